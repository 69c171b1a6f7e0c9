using System.Globalization;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

internal static class MetricValues
{
    public static MetricValue Defined(double value, (double Low, double High) ci, int n, string? note = null) =>
        new() { Value = value, CiLow = ci.Low, CiHigh = ci.High, N = n, Note = note };

    /// <summary>A metric that cannot be computed for the cell: no value (never a placeholder such as 0.5), and why.</summary>
    public static MetricValue Undefined(int n, string why) => new() { Value = null, CiLow = null, CiHigh = null, N = n, Note = why };

    /// <summary>0.01 -> "1%", culture-invariant.</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    public static string? JoinNotes(IEnumerable<string?> notes)
    {
        var parts = notes.Where(s => !string.IsNullOrEmpty(s)).ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
