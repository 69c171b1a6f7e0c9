using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>The one place the run calls into the exporters (metrics: <see cref="RunMetrics"/>), so `honesty run` and
/// `honesty rescore` produce identical numbers and files.</summary>
internal static class RunOutputs
{
    /// <summary>results.json, results.csv, report.md, report.html.</summary>
    public static void WriteReports(RunResults results, IReadOnlyList<SampleRecord> samples, string outDir) =>
        ReportWriter.WriteAll(results, samples, outDir);
}
