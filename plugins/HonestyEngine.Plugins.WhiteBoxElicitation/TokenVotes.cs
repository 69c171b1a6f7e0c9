using System.Text.RegularExpressions;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

/// <summary>Accumulates per-token evidence (probability or similarity) over layers and positions and turns it into
/// ranked word guesses: tokens are decoded, stripped of tokenizer word markers (SentencePiece '▁', GPT-2 'Ġ'), and
/// dropped when they are not a word, are a stop word, or occur in the prompt or the response (the method should find
/// what the model does not say).</summary>
internal sealed partial class TokenVotes(ITokenizer tokenizer)
{
    private readonly Dictionary<int, double> _votes = [];

    public void Add(int token, double weight)
    {
        if (!double.IsFinite(weight)) throw new MethodInputException($"Non-finite evidence {weight} for token {token}.");
        _votes[token] = _votes.TryGetValue(token, out var v) ? v + weight : weight;
    }

    /// <summary>The evidence accumulated for one token so far (0 if none).</summary>
    public double Of(int token) => _votes.TryGetValue(token, out var v) ? v : 0;

    /// <summary>The <paramref name="count"/> tokens with the most evidence, as the tokenizer spells them (for evidence
    /// strings: unlike <see cref="Top"/> nothing is filtered).</summary>
    public IEnumerable<string> RawTop(int count)
        => _votes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(count).Select(kv => tokenizer.TokenText(kv.Key));

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "is", "are", "was", "were", "be",
        "am", "do", "does", "did", "have", "has", "had", "it", "its", "my", "your", "you", "me", "we", "they", "this",
        "that", "what", "which", "who", "how", "not", "no", "yes", "any", "can", "will", "would", "secret", "word",
        "hidden", "user", "assistant", "system", "an", "as", "so", "if", "i", "a",
    };

    [GeneratedRegex(@"^[\p{L}][\p{L}'-]*$")]
    private static partial Regex WordOnly();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();

    public List<(string Word, double Score)> Top(int count, IEnumerable<string> seenTexts)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in seenTexts) foreach (Match m in Words().Matches(t)) seen.Add(m.Value);
        var byWord = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (token, score) in _votes)
        {
            string word = tokenizer.TokenText(token).Replace("▁", "").Replace("Ġ", "").Trim();
            if (word.Length < 2 || !WordOnly().IsMatch(word) || StopWords.Contains(word) || seen.Contains(word)) continue;
            byWord[word] = byWord.TryGetValue(word, out var s) ? s + score : score;
        }
        return byWord.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(count).Select(kv => (kv.Key, kv.Value)).ToList();
    }
}
