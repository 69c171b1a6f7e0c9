namespace HonestyEngine.Testbeds.Tokenization;

/// <summary>Trains a byte-level BPE on a corpus: the 256 byte symbols, then the most frequent adjacent pair merged
/// until the vocabulary (plus specials) reaches <c>vocabSize</c> or nothing is left to merge. Ties break by the
/// ordinal order of the pair, so the result is a pure function of the corpus.</summary>
public static class BpeTrainer
{
    public static BpeTokenizer Train(IEnumerable<string> corpus, int vocabSize, IReadOnlyList<string> specials)
    {
        if (vocabSize < 256 + specials.Count) throw new ArgumentException($"vocabSize {vocabSize} is smaller than the 256 byte symbols plus {specials.Count} specials.");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in corpus)
            foreach (var (part, special) in ByteLevel.SplitSpecial(text, specials))
                if (!special)
                    foreach (var piece in ByteLevel.PreTokenize(part))
                        counts[piece] = counts.GetValueOrDefault(piece) + 1;

        var words = counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Symbols: kv.Key.Select(c => c.ToString()).ToList(), Count: kv.Value)).ToList();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++) vocab[ByteLevel.ByteToChar[b].ToString()] = b;
        var merges = new List<(string, string)>();
        int target = vocabSize - specials.Count;

        while (vocab.Count < target)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    var p = (symbols[i], symbols[i + 1]);
                    pairs[p] = pairs.GetValueOrDefault(p) + count;
                }
            if (pairs.Count == 0) break;
            var best = pairs.MaxBy(kv => kv.Value).Value;
            var bestPair = pairs.Where(kv => kv.Value == best).Select(kv => kv.Key)
                .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).First();
            string merged = bestPair.Item1 + bestPair.Item2;
            merges.Add(bestPair);
            if (!vocab.ContainsKey(merged)) vocab[merged] = vocab.Count;
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == bestPair.Item1 && symbols[i + 1] == bestPair.Item2)
                    {
                        symbols[i] = merged;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return new BpeTokenizer(vocab, merges, specials);
    }
}
