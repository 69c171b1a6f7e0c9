
namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A piece of text during pre-tokenization; <see cref="AtStart"/> is true when it begins at offset 0
/// of the original input (Metaspace's prepend_scheme "first" needs it).</summary>
internal readonly record struct Piece(string Text, bool AtStart);

/// <summary>A tokenizer.json pre-tokenizer: splits pieces into smaller pieces (words the model sees).</summary>
internal interface IPreTokenizer
{
    void Split(Piece piece, List<Piece> output);
}

/// <summary>How the matches of a Split pattern are kept (tokenizers' SplitDelimiterBehavior).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>Split: cuts at the matches of a literal or regex pattern, then keeps or merges them.</summary>
internal sealed class SplitPreTokenizer(ITextPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void Split(Piece piece, List<Piece> output) => SplitText(piece, pattern, behavior, invert, output);

    public static void SplitText(Piece piece, ITextPattern pattern, SplitBehavior behavior, bool invert, List<Piece> output)
    {
        string text = piece.Text;
        if (text.Length == 0) return;
        // Segments covering the whole text: (start, end, isMatch).
        var segments = new List<(int Start, int End, bool IsMatch)>();
        int last = 0;
        foreach (var (index, length) in pattern.Matches(text))
        {
            if (index > last) segments.Add((last, index, invert));
            segments.Add((index, index + length, !invert));
            last = index + length;
        }
        if (last < text.Length) segments.Add((last, text.Length, invert));

        var kept = new List<(int Start, int End)>(segments.Count);
        bool previousMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Removed:
                foreach (var s in segments) if (!s.IsMatch) kept.Add((s.Start, s.End));
                break;
            case SplitBehavior.Isolated:
                foreach (var s in segments) kept.Add((s.Start, s.End));
                break;
            case SplitBehavior.MergedWithPrevious:
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previousMatch && kept.Count > 0) kept[^1] = (kept[^1].Start, s.End);
                    else kept.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
            case SplitBehavior.MergedWithNext:
                for (int i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !previousMatch && kept.Count > 0) kept[^1] = (s.Start, kept[^1].End);
                    else kept.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                kept.Reverse();
                break;
            case SplitBehavior.Contiguous:
                for (int i = 0; i < segments.Count; i++)
                {
                    var s = segments[i];
                    if (i > 0 && s.IsMatch == previousMatch) kept[^1] = (kept[^1].Start, s.End);
                    else kept.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
        }
        foreach (var (start, end) in kept)
            output.Add(new Piece(text[start..end], piece.AtStart && start == 0));
    }
}

/// <summary>ByteLevel: optional prefix space, optional GPT-2 regex split, then UTF-8 bytes as alphabet chars.</summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    /// <summary>GPT-2's pre-tokenization regex, used when use_regex is true.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public void Split(Piece piece, List<Piece> output)
    {
        string text = piece.Text;
        if (addPrefixSpace && !text.StartsWith(' ')) text = " " + text;
        if (useRegex)
        {
            var parts = new List<Piece>();
            SplitPreTokenizer.SplitText(piece with { Text = text }, OnigRegexTranslator.Get(Gpt2Pattern), SplitBehavior.Isolated, false, parts);
            foreach (var p in parts) output.Add(p with { Text = ByteLevelAlphabet.Encode(p.Text) });
        }
        else if (text.Length > 0) output.Add(piece with { Text = ByteLevelAlphabet.Encode(text) });
    }
}

/// <summary>Metaspace (SentencePiece): spaces become the replacement char (▁), a prefix ▁ is added per
/// prepend_scheme, and optionally the text is split before each ▁.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, string prependScheme, bool split) : IPreTokenizer
{
    private readonly LiteralPattern _replacement = new(replacement.ToString());

    public void Split(Piece piece, List<Piece> output)
    {
        string text = piece.Text.Replace(' ', replacement);
        bool prepend = prependScheme switch
        {
            "always" => true,
            "first" => piece.AtStart,
            _ => false,
        };
        if (prepend && !text.StartsWith(replacement)) text = replacement + text;
        if (split) SplitPreTokenizer.SplitText(piece with { Text = text }, _replacement, SplitBehavior.MergedWithNext, false, output);
        else if (text.Length > 0) output.Add(piece with { Text = text });
    }
}

/// <summary>Patterns of the simple regex pre-tokenizers (Whitespace, WhitespaceSplit, Digits, Punctuation).</summary>
internal sealed class RegexPreTokenizer(ITextPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void Split(Piece piece, List<Piece> output) => SplitPreTokenizer.SplitText(piece, pattern, behavior, invert, output);
}

internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public void Split(Piece piece, List<Piece> output)
    {
        var current = new List<Piece> { piece };
        var next = new List<Piece>();
        foreach (var step in steps)
        {
            next.Clear();
            foreach (var p in current) step.Split(p, next);
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }
}

internal static class PreTokenizerFactory
{
    public const string Supported = "Split, ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Digits, Punctuation, Sequence";

    public static IPreTokenizer? Create(JsonFields json)
    {
        if (json.IsNull) return null;
        string type = json.String("type");
        switch (type)
        {
            case "Split":
            {
                return new SplitPreTokenizer(json.Pattern("pattern"), ParseBehavior(json.Child("behavior")), json.Bool("invert", false));
            }
            case "ByteLevel":
                return new ByteLevelPreTokenizer(json.Bool("add_prefix_space", true), json.Bool("use_regex", true));
            case "Metaspace":
            {
                string rep = json.String("replacement");
                if (rep.Length != 1) throw json.Child("replacement").Error("expected a single character");
                string scheme = json.OptionalString("prepend_scheme") ?? (json.Bool("add_prefix_space", true) ? "always" : "never");
                if (scheme is not ("always" or "first" or "never")) throw json.Child("prepend_scheme").Error($"unknown prepend_scheme '{scheme}' (always, first, never)");
                return new MetaspacePreTokenizer(rep[0], scheme, json.Bool("split", true));
            }
            case "Whitespace":
                return new RegexPreTokenizer(OnigRegexTranslator.Get(@"\w+|[^\w\s]+"), SplitBehavior.Removed, true);
            case "WhitespaceSplit":
                return new RegexPreTokenizer(OnigRegexTranslator.Get(@"\s+"), SplitBehavior.Removed, false);
            case "Digits":
                return new RegexPreTokenizer(OnigRegexTranslator.Get(json.Bool("individual_digits", false) ? @"\p{N}" : @"\p{N}+"), SplitBehavior.Isolated, false);
            case "Punctuation":
                return new RegexPreTokenizer(OnigRegexTranslator.Get(@"\p{P}"), json.TryChild("behavior", out var b) ? ParseBehavior(b) : SplitBehavior.Isolated, false);
            case "Sequence":
                return new SequencePreTokenizer(json.Child("pretokenizers").Items().Select(Create).OfType<IPreTokenizer>().ToArray());
            default:
                throw json.Child("type").Error($"unsupported pre_tokenizer type '{type}' (supported: {Supported})");
        }
    }

    private static SplitBehavior ParseBehavior(JsonFields json) => json.AsString() switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        var other => throw json.Error($"unknown split behavior '{other}' (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)"),
    };
}
