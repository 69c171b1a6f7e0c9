using System.Text.RegularExpressions;

namespace HonestyEngine.Testbeds.Labelling;

/// <summary>Whole-word, case-insensitive matching: the only primitive the labellers use, so "34" does not
/// match "340" and "owl" does not match "bowl".</summary>
public static class TextMatch
{
    public static bool Mentions(string text, string phrase)
    {
        if (string.IsNullOrEmpty(phrase)) return false;
        return Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(phrase)}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    public static bool MentionsAny(string text, IEnumerable<string> phrases) => phrases.Any(p => Mentions(text, p));

    public static IEnumerable<string> Integers(string text) => Regex.Matches(text, @"\d+").Select(m => m.Value);

    /// <summary>Splits a "|"-separated meta value.</summary>
    public static string[] List(string? value) => string.IsNullOrEmpty(value) ? [] : value.Split('|');

    public static string Join(IEnumerable<string> values) => string.Join("|", values);
}
