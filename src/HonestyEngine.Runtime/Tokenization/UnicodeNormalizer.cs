using System.Text;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>Managed Unicode normalization (NFC, NFD, NFKC, NFKD). The engine builds with
/// InvariantGlobalization, where <see cref="string.Normalize()"/> does nothing, yet Qwen's tokenizer.json
/// asks for NFC; the tables come from <see cref="UnicodeNormalizationData"/>.</summary>
internal static class UnicodeNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, int[]> CanonicalMap = Load(UnicodeNormalizationData.Canonical);
    private static readonly Dictionary<int, int[]> CompatibilityMap = Load(UnicodeNormalizationData.Compatibility);
    private static readonly Dictionary<int, byte> CombiningClass = LoadClasses();
    private static readonly Dictionary<long, int> Composites = LoadComposites();
    /// <summary>Code points that may change under NFC, or change their neighbours: non-zero combining class,
    /// second element of a composition (incl. Hangul V/T jamo), or a canonical decomposition that does not
    /// recompose to itself. Text without any of them is already NFC (the NFC quick check, conservatively).</summary>
    private static readonly HashSet<int> NfcUnsafe = BuildNfcUnsafe();

    public static string Normalize(string text, NormalizationForm form)
    {
        // Fast paths: nothing below U+00A0 changes under any form; nothing below U+0300 changes under NFC
        // (precomposed Latin-1 letters decompose and recompose to themselves); NFD decomposes from U+00C0.
        bool compat = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        int unchangedBelow = form switch
        {
            NormalizationForm.FormC => 0x300,
            NormalizationForm.FormD => 0xC0,
            _ => 0xA0,
        };
        if (IsBelow(text, unchangedBelow)) return text;
        if (form == NormalizationForm.FormC && IsNfcQuick(text)) return text;

        var cps = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, compat, cps);
        CanonicalOrder(cps);
        if (form is NormalizationForm.FormC or NormalizationForm.FormKC) Compose(cps);
        var sb = new StringBuilder(cps.Count);
        foreach (int cp in cps) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    private static bool IsNfcQuick(string text)
    {
        foreach (var rune in text.EnumerateRunes())
            if (rune.Value >= 0x300 && NfcUnsafe.Contains(rune.Value)) return false;
        return true;
    }

    private static HashSet<int> BuildNfcUnsafe()
    {
        var set = new HashSet<int>(CombiningClass.Keys);
        foreach (var key in Composites.Keys) set.Add((int)(key & 0x1FFFFF));
        var primaries = new HashSet<int>(Composites.Values);
        foreach (var cp in CanonicalMap.Keys) if (!primaries.Contains(cp)) set.Add(cp);
        for (int v = VBase; v < VBase + VCount; v++) set.Add(v);
        for (int t = TBase + 1; t < TBase + TCount; t++) set.Add(t);
        return set;
    }

    private static bool IsBelow(string text, int limit)
    {
        foreach (char c in text) if (c >= limit) return false;
        return true;
    }

    private static void Decompose(int cp, bool compat, List<int> output)
    {
        if (cp >= SBase && cp < SBase + SCount)
        {
            int s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            int t = s % TCount;
            if (t != 0) output.Add(TBase + t);
            return;
        }
        if (CanonicalMap.TryGetValue(cp, out var seq) || (compat && CompatibilityMap.TryGetValue(cp, out seq)))
        {
            foreach (int c in seq) Decompose(c, compat, output);
            return;
        }
        output.Add(cp);
    }

    private static int Ccc(int cp) => CombiningClass.TryGetValue(cp, out var c) ? c : 0;

    /// <summary>Stable sort of each run of non-starters by combining class.</summary>
    private static void CanonicalOrder(List<int> cps)
    {
        for (int i = 1; i < cps.Count; i++)
        {
            int c = Ccc(cps[i]);
            if (c == 0) continue;
            int j = i;
            while (j > 0)
            {
                int prev = Ccc(cps[j - 1]);
                if (prev == 0 || prev <= c) break;
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
                j--;
            }
        }
    }

    private static void Compose(List<int> cps)
    {
        if (cps.Count < 2) return;
        int starterIndex = Ccc(cps[0]) == 0 ? 0 : -1;
        int write = 1;
        int lastClass = starterIndex == 0 ? 0 : 256;
        for (int read = 1; read < cps.Count; read++)
        {
            int cp = cps[read];
            int cls = Ccc(cp);
            if (starterIndex >= 0 && (lastClass < cls || lastClass == 0) && TryCompose(cps[starterIndex], cp, out int composite)
                && !(lastClass == 0 && write - 1 != starterIndex))
            {
                cps[starterIndex] = composite;
                continue;
            }
            if (cls == 0) { starterIndex = write; lastClass = 0; }
            else lastClass = cls;
            cps[write++] = cp;
        }
        cps.RemoveRange(write, cps.Count - write);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        // Hangul LV and LVT.
        if (first >= LBase && first < LBase + LCount && second >= VBase && second < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
            return true;
        }
        if (first >= SBase && first < SBase + SCount && (first - SBase) % TCount == 0 && second > TBase && second < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }
        return Composites.TryGetValue(((long)first << 21) | (uint)second, out composite);
    }

    private static Dictionary<int, int[]> Load(int[] data)
    {
        var map = new Dictionary<int, int[]>();
        for (int i = 0; i < data.Length;)
        {
            int cp = data[i], n = data[i + 1];
            map[cp] = data.AsSpan(i + 2, n).ToArray();
            i += 2 + n;
        }
        return map;
    }

    private static Dictionary<int, byte> LoadClasses()
    {
        var d = UnicodeNormalizationData.CombiningClasses;
        var map = new Dictionary<int, byte>(d.Length / 2);
        for (int i = 0; i < d.Length; i += 2) map[d[i]] = (byte)d[i + 1];
        return map;
    }

    private static Dictionary<long, int> LoadComposites()
    {
        var d = UnicodeNormalizationData.Compositions;
        var map = new Dictionary<long, int>(d.Length / 3);
        for (int i = 0; i < d.Length; i += 3) map[((long)d[i] << 21) | (uint)d[i + 1]] = d[i + 2];
        return map;
    }
}
