namespace HonestyEngine.Testbeds.Tokenization;

/// <summary>A trained byte-level BPE: vocabulary, ranked merges and the added special tokens. Encodes exactly as
/// Hugging Face tokenizers does for the tokenizer.json it is written to (split specials, pre-tokenize, then
/// apply merges lowest rank first within each piece).</summary>
public sealed class BpeTokenizer
{
    public IReadOnlyDictionary<string, int> Vocab { get; }
    public IReadOnlyList<(string Left, string Right)> Merges { get; }
    /// <summary>Special tokens and their ids (after the BPE vocabulary).</summary>
    public IReadOnlyDictionary<string, int> Specials { get; }
    private readonly Dictionary<(string, string), int> _rank;
    private readonly string[] _idToToken;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BpeTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string, string)> merges, IReadOnlyList<string> specials)
    {
        Vocab = vocab; Merges = merges;
        _rank = new Dictionary<(string, string), int>();
        for (int i = 0; i < merges.Count; i++) _rank[merges[i]] = i;
        var sp = new Dictionary<string, int>();
        foreach (var s in specials) sp[s] = vocab.Count + sp.Count;
        Specials = sp;
        _idToToken = new string[vocab.Count + sp.Count];
        foreach (var (t, id) in vocab) _idToToken[id] = t;
        foreach (var (t, id) in sp) _idToToken[id] = t;
    }

    public int VocabSize => _idToToken.Length;
    public string TokenOf(int id) => _idToToken[id];

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var (part, special) in ByteLevel.SplitSpecial(text, Specials.Keys.ToList()))
        {
            if (special) { ids.Add(Specials[part]); continue; }
            foreach (var piece in ByteLevel.PreTokenize(part)) ids.AddRange(EncodePiece(piece));
        }
        return ids.ToArray();
    }

    public string Decode(IEnumerable<int> ids)
    {
        var sb = new System.Text.StringBuilder();
        var pending = new System.Text.StringBuilder();
        foreach (var id in ids)
        {
            string t = _idToToken[id];
            if (Specials.ContainsKey(t)) { sb.Append(ByteLevel.FromByteChars(pending.ToString())); pending.Clear(); sb.Append(t); }
            else pending.Append(t);
        }
        sb.Append(ByteLevel.FromByteChars(pending.ToString()));
        return sb.ToString();
    }

    private int[] EncodePiece(string piece)
    {
        lock (_cache)
            if (_cache.TryGetValue(piece, out var cached)) return cached;
        var symbols = piece.Select(c => c.ToString()).ToList();
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, bestAt = -1;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_rank.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r < bestRank) { bestRank = r; bestAt = i; }
            if (bestAt < 0) break;
            // Merge every occurrence of the best pair, left to right (what the HF BPE model does).
            var (l, rr) = Merges[bestRank];
            var next = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && symbols[i] == l && symbols[i + 1] == rr) { next.Add(l + rr); i++; }
                else next.Add(symbols[i]);
            }
            symbols = next;
        }
        var ids = symbols.Select(s => Vocab[s]).ToArray();
        lock (_cache) _cache[piece] = ids;
        return ids;
    }
}
