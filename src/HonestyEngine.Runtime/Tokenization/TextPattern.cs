using System.Text;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>The "pattern" of Split pre-tokenizers and Replace normalizers/decoders: a literal string or an
/// Oniguruma regex (<see cref="CodePointRegex"/>).</summary>
internal interface ITextPattern
{
    /// <summary>Non-overlapping matches as (start, length), left to right; empty matches are not reported.</summary>
    List<(int Start, int Length)> Matches(string text);
    /// <summary>Every match replaced by <paramref name="replacement"/> (literally).</summary>
    string Replace(string text, string replacement);
}

internal sealed class LiteralPattern(string literal) : ITextPattern
{
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (literal.Length == 0) return result;
        for (int i = text.IndexOf(literal, StringComparison.Ordinal); i >= 0; i = text.IndexOf(literal, i + literal.Length, StringComparison.Ordinal))
            result.Add((i, literal.Length));
        return result;
    }

    public string Replace(string text, string replacement) =>
        literal.Length == 0 ? text : text.Replace(literal, replacement, StringComparison.Ordinal);
}
