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

    /// <summary>Splits a "|"-separated meta value.</summary>
    public static string[] List(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split('|');

    public static string Join(IEnumerable<string> values) => string.Join("|", values);
}
