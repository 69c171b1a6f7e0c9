using System.Text;
using System.Text.RegularExpressions;

namespace HonestyEngine.Testbeds.Tokenization;

/// <summary>GPT-2's byte-level alphabet (bytes_to_unicode) and Qwen's pre-tokenizer split, exactly as the
/// Hugging Face tokenizers library applies them for the tokenizer.json this trainer writes.</summary>
public static class ByteLevel
{
    /// <summary>Qwen2's Split pattern (behaviour "Isolated"); digits are split one by one.</summary>
    public const string SplitPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private static readonly Regex Split = new(SplitPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var direct = new bool[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) map[b] = direct[b] ? (char)b : (char)(256 + n++);
        return map;
    }

    /// <summary>Pre-tokenizes text (no special tokens inside) into byte-level pieces.</summary>
    public static IEnumerable<string> PreTokenize(string text)
    {
        foreach (Match m in Split.Matches(text)) yield return ToByteChars(m.Value);
    }

    public static string ToByteChars(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    public static string FromByteChars(string s)
    {
        var bytes = new byte[s.Length];
        for (int i = 0; i < s.Length; i++)
            bytes[i] = CharToByte.TryGetValue(s[i], out var b) ? b : throw new FormatException($"'{s[i]}' is not a byte-level character.");
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Splits text around the special tokens (they are never merged with neighbouring text).</summary>
    public static IEnumerable<(string Text, bool IsSpecial)> SplitSpecial(string text, IReadOnlyList<string> specials)
    {
        int pos = 0;
        while (pos < text.Length)
        {
            int best = -1; string? which = null;
            foreach (var s in specials)
            {
                int i = text.IndexOf(s, pos, StringComparison.Ordinal);
                if (i >= 0 && (best < 0 || i < best)) { best = i; which = s; }
            }
            if (best < 0) { yield return (text[pos..], false); yield break; }
            if (best > pos) yield return (text[pos..best], false);
            yield return (which!, true);
            pos = best + which!.Length;
        }
    }
}
