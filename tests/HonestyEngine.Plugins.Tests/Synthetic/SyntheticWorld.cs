using System.Text.RegularExpressions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>The facts the synthetic model knows: subject s{i} has value v{(7 i + 3) mod 10}. A claim is the
/// text "s{i} is v{j}"; the model "believes" a claim iff it matches the world. Everything the synthetic model
/// computes about lying (the planted activation direction, its self-reports) derives from these judgements.</summary>
public static partial class SyntheticWorld
{
    public const int Subjects = 64;
    public const int Values = 10;

    public static int TrueValue(int subject) => (7 * subject + 3) % Values;
    public static int FalseValue(int subject) => (TrueValue(subject) + 1 + subject % 3) % Values;
    public static string Claim(int subject, int value) => $"s{subject} is v{value}";
    public static string Question(int subject) => $"What is s{subject}?";

    [GeneratedRegex(@"\bs(\d+) is v(\d+)\b")]
    private static partial Regex ClaimPattern();

    [GeneratedRegex(@"\bs(\d+)\b")]
    private static partial Regex SubjectPattern();

    /// <summary>The last claim in the text, if any: (subject, value, is it true).</summary>
    public static (int Subject, int Value, bool IsTrue)? LastClaim(string text)
    {
        var matches = ClaimPattern().Matches(text);
        if (matches.Count == 0) return null;
        var m = matches[^1];
        int s = int.Parse(m.Groups[1].Value), v = int.Parse(m.Groups[2].Value);
        return (s, v, TrueValue(s) == v);
    }

    public static int? LastSubject(string text)
    {
        var matches = SubjectPattern().Matches(text);
        return matches.Count == 0 ? null : int.Parse(matches[^1].Groups[1].Value);
    }

    /// <summary>Is the final assistant response a lie, judged by the model's own knowledge? A response
    /// containing a claim lies iff the claim is false; a bare True/False/Yes/No lies iff it contradicts the truth
    /// of the last claim in the preceding turns. Anything else is not a lie.</summary>
    public static bool ResponseIsLie(string precedingText, string response)
    {
        var own = LastClaim(response);
        if (own is not null) return !own.Value.IsTrue;
        string first = response.TrimStart().Split(' ', '.', ',', '\n')[0].ToLowerInvariant();
        bool? affirms = first switch { "true" or "yes" => true, "false" or "no" => false, _ => null };
        if (affirms is null) return false;
        var claim = LastClaim(precedingText);
        return claim is not null && affirms.Value != claim.Value.IsTrue;
    }

    /// <summary>Stable 64-bit FNV-1a hash (string.GetHashCode is randomised per process).</summary>
    public static ulong Hash(string text, ulong salt = 0)
    {
        ulong h = 14695981039346656037UL ^ salt;
        foreach (char c in text) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>A deterministic number in [0, 1) from a text and a salt.</summary>
    public static double Unit(string text, ulong salt) => (Hash(text, salt) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A deterministic standard normal from a text and a salt.</summary>
    public static double Normal(string text, ulong salt)
    {
        double u1 = Math.Max(Unit(text, salt), 1e-12), u2 = Unit(text, salt ^ 0x9E3779B97F4A7C15UL);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
