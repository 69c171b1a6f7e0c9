using System.Globalization;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Culture-invariant number formatting for every exporter: a German or French machine must produce the
/// same report.md / results.csv as an English one (no decimal commas leaking into tables or CSV columns).</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Three decimals, the precision the reports show ("0.912").</summary>
    public static string Metric(double value) => value.ToString("0.000", Inv);

    /// <summary>"0.912 [0.881, 0.940]", or "n/a" for an undefined metric.</summary>
    public static string WithCi(MetricValue? m)
    {
        if (m?.Value is not double v) return "n/a";
        if (m.CiLow is double lo && m.CiHigh is double hi) return $"{Metric(v)} [{Metric(lo)}, {Metric(hi)}]";
        return Metric(v);
    }

    /// <summary>Full round-trip precision, for CSV and machine readers.</summary>
    public static string Exact(double? value) => value is double v ? v.ToString("R", Inv) : "";

    public static string Seconds(double seconds) => seconds.ToString("0.###", Inv);

    public static string Int(int value) => value.ToString(Inv);

    /// <summary>SVG coordinates: at most two decimals, never a decimal comma.</summary>
    public static string Coord(double value) => Math.Round(value, 2).ToString("0.##", Inv);

    /// <summary>"layer=4, lr=0.01" (sorted by name) or "" when there are none.</summary>
    public static string Parameters(IReadOnlyDictionary<string, string> parameters) =>
        string.Join(", ", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>First line of an error message, cut to max characters, for table cells (the full text is listed below).</summary>
    public static string Short(string? text, int max = 80)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var line = text.ReplaceLineEndings("\n").Split('\n')[0].Trim();
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
