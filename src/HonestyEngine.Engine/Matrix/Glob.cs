namespace HonestyEngine.Engine.Matrix;

/// <summary>Case-insensitive shell-style globs (<c>*</c>, <c>?</c>) used by <c>--testbeds</c> and <c>--methods</c>.</summary>
public static class Glob
{
    public static bool IsPattern(string glob) => glob.IndexOfAny(['*', '?']) >= 0;

    public static bool IsMatch(string glob, string text) => Match(glob.AsSpan(), text.AsSpan());

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        // Iterative matcher with single-star backtracking: linear in practice, no recursion blow-up.
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && (p[pi] == '?' || char.ToLowerInvariant(p[pi]) == char.ToLowerInvariant(t[ti]))) { pi++; ti++; }
            else if (pi < p.Length && p[pi] == '*') { star = pi++; mark = ti; }
            else if (star >= 0) { pi = star + 1; ti = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    /// <summary>Splits repeatable, comma-separated option values into globs.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
