namespace HonestyEngine.Runtime.Tokenization;

/// <summary>Finds added tokens in text before the model runs, as HF tokenizers' AddedVocabulary does:
/// leftmost-longest matching, with lstrip/rstrip (absorb neighbouring whitespace) and single_word
/// (only between non-word characters). Tokens with normalized=false are matched on the raw text, the others
/// on the normalized text.</summary>
internal sealed class AddedVocabulary
{
    private readonly Trie _raw = new();
    private readonly Trie _normalized = new();
    private readonly Dictionary<int, AddedToken> _byId = [];
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);

    public IReadOnlyCollection<AddedToken> Tokens => _byId.Values;

    public AddedVocabulary(IEnumerable<AddedToken> tokens, INormalizer? normalizer)
    {
        foreach (var t in tokens)
        {
            _byId[t.Id] = t;
            _byContent[t.Content] = t;
            if (t.Content.Length == 0) continue;
            if (t.Normalized)
            {
                string key = normalizer?.Normalize(t.Content) ?? t.Content;
                if (key.Length > 0) _normalized.Add(key, t);
            }
            else _raw.Add(t.Content, t);
        }
    }

    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);
    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);
    public bool IsSpecial(int id) => _byId.TryGetValue(id, out var t) && t.Special;

    /// <summary>Splits text into segments: (text, null) for ordinary text, (content, token) for an added token.</summary>
    public void SplitRaw(string text, int baseOffset, List<(string Text, int Offset, AddedToken? Token)> output) => Split(_raw, text, baseOffset, output);

    public void SplitNormalized(string text, int baseOffset, List<(string Text, int Offset, AddedToken? Token)> output) => Split(_normalized, text, baseOffset, output);

    private static void Split(Trie trie, string text, int baseOffset, List<(string, int, AddedToken?)> output)
    {
        if (trie.IsEmpty) { output.Add((text, baseOffset, null)); return; }
        int startOffset = 0;
        int i = 0;
        while (i < text.Length)
        {
            var (matchLength, token) = trie.LongestAt(text, i);
            if (token is null) { i++; continue; }
            int start = i, stop = i + matchLength;
            if (token.SingleWord)
            {
                bool startOk = start == 0 || !IsWordChar(text, start - 1, backwards: true);
                bool stopOk = stop == text.Length || !IsWordChar(text, stop, backwards: false);
                if (!startOk || !stopOk) { i++; continue; }
            }
            if (token.LStrip)
            {
                int s = start;
                while (s > startOffset && char.IsWhiteSpace(text[s - 1])) s--;
                start = s;
            }
            if (token.RStrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
            if (startOffset < start) output.Add((text[startOffset..start], baseOffset + startOffset, null));
            output.Add((text[start..stop], baseOffset + start, token));
            startOffset = stop;
            i = stop;
        }
        if (startOffset < text.Length) output.Add((text[startOffset..], baseOffset + startOffset, null));
    }

    private static bool IsWordChar(string text, int index, bool backwards)
    {
        int cp;
        if (backwards && char.IsLowSurrogate(text[index]) && index > 0 && char.IsHighSurrogate(text[index - 1]))
            cp = char.ConvertToUtf32(text[index - 1], text[index]);
        else if (!backwards && char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            cp = char.ConvertToUtf32(text[index], text[index + 1]);
        else cp = text[index];
        if (cp is >= 0xD800 and <= 0xDFFF) return false;
        var rune = new System.Text.Rune(cp);
        return System.Text.Rune.IsLetterOrDigit(rune) || cp == '_';
    }

    /// <summary>A character trie for leftmost-longest matching.</summary>
    private sealed class Trie
    {
        private sealed class Node
        {
            public Dictionary<char, Node>? Children;
            public AddedToken? Token;
        }

        private readonly Node _root = new();
        public bool IsEmpty => _root.Children is null;

        public void Add(string key, AddedToken token)
        {
            var node = _root;
            foreach (char c in key)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child)) node.Children[c] = child = new Node();
                node = child;
            }
            node.Token ??= token; // first added wins on identical content
        }

        public (int Length, AddedToken? Token) LongestAt(string text, int start)
        {
            var node = _root;
            AddedToken? best = null;
            int bestLength = 0;
            for (int i = start; i < text.Length; i++)
            {
                if (node.Children is null || !node.Children.TryGetValue(text[i], out node)) break;
                if (node.Token is not null) { best = node.Token; bestLength = i - start + 1; }
            }
            return (bestLength, best);
        }
    }
}
