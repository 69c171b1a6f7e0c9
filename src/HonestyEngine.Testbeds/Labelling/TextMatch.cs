using System.Text.RegularExpressions;

namespace HonestyEngine.Testbeds.Labelling;

/// <summary>Whole-word, case-insensitive matching: the only primitive the labellers use, so "34" does not
/// match "340" and "owl" does not match "bowl".</summary>
public static class TextMatch
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    public static bool Mentions(string text, string phrase)
    {
        if (string.IsNullOrEmpty(phrase)) return false;
        if (text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase) < 0) return false; // fast path: no substring, no word
        var regex = Patterns.GetOrAdd(phrase, p => new Regex($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(p)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
        return regex.IsMatch(text);
    }

    public static bool MentionsAny(string text, IEnumerable<string> phrases) => phrases.Any(p => Mentions(text, p));

    public static IEnumerable<string> Integers(string text) => Regex.Matches(text, @"\d+").Select(m => m.Value);

    /// <summary>The words of a text (runs of letters and digits), lower-cased.</summary>
    public static List<string> Words(string text) =>
        Regex.Matches(text, @"[\p{L}\p{N}]+").Select(m => m.Value.ToLowerInvariant()).ToList();

    /// <summary>Text that answers nothing, whatever it happens to contain: no word at all (empty, whitespace,
    /// punctuation), a run of one to three words repeated three times in a row ("the the the", "the lamp the lamp
    /// the lamp"; runs of numbers alone do not count: "7. 7 + 7 = 14" is arithmetic), or, from four words on, one
    /// word making up more than half of them ("the the 77 the the"). The trained answers are short single sentences
    /// and never look like this; a real answer repeated whole ("Rizo is 77 years old. Rizo is 77 years old.") is
    /// not degenerate.</summary>
    public static bool IsDegenerate(string text)
    {
        var w = Words(text);
        if (w.Count == 0) return true;
        for (int n = 1; n <= 3; n++)
            for (int i = 0; i + 3 * n <= w.Count; i++)
            {
                if (w.Skip(i).Take(n).All(x => x.All(char.IsAsciiDigit))) continue;
                bool repeated = true;
                for (int k = 0; k < n && repeated; k++)
                    repeated = w[i + k] == w[i + n + k] && w[i + k] == w[i + 2 * n + k];
                if (repeated) return true;
            }
        return w.Count >= 4 && w.GroupBy(x => x, StringComparer.Ordinal).Max(g => g.Count()) * 2 > w.Count;
    }

    /// <summary>Splits a "|"-separated meta value.</summary>
    public static string[] List(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split('|');

    public static string Join(IEnumerable<string> values) => string.Join("|", values);
}
