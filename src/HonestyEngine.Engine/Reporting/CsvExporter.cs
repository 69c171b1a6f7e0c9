using System.Text;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>results.csv: long format, one row per cell and metric (a cell without metrics, e.g. a failed one, gets
/// one row with an empty metric), RFC 4180 quoting, invariant numbers at full precision, so pandas/R read it with
/// defaults: <c>pd.read_csv("results.csv")</c>.</summary>
public sealed class CsvExporter : IExporter
{
    public const string Header = "testbed,method,family,kind,role,control_testbed,parameters,status,error,n,seconds,metric,value,ci_low,ci_high,metric_n,qualifier,note";

    public string Name => "csv";
    public string? FileName => "results.csv";

    public string Render(ReportData data)
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (var cell in data.Results.Cells)
        {
            if (cell.Metrics.Count == 0)
            {
                Row(sb, cell, "", null);
                continue;
            }
            foreach (var (name, metric) in cell.Metrics) Row(sb, cell, name, metric);
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, CellResult cell, string metric, MetricValue? m)
    {
        string[] fields =
        [
            cell.Testbed, cell.Method, cell.Family, cell.Kind, cell.Role, cell.ControlTestbed ? "true" : "false", Format.Parameters(cell.Parameters).Replace(", ", ";"),
            cell.Status, cell.Error ?? "", Format.Int(cell.N), Format.Seconds(cell.Seconds), metric,
            Format.Exact(m?.Value), Format.Exact(m?.CiLow), Format.Exact(m?.CiHigh), m is null ? "" : Format.Int(m.N), m?.Qualifier ?? "", m?.Note ?? "",
        ];
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Quote(fields[i]));
        }
        sb.Append('\n');
    }

    /// <summary>RFC 4180: quote fields containing a comma, quote or line break; double the quotes inside.</summary>
    internal static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
