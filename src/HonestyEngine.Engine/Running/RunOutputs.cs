using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>The one place the run calls into metrics and exporters, so `honesty run` and `honesty rescore`
/// produce identical numbers and files.</summary>
internal static class RunOutputs
{
    public static CellMetricsResult ComputeMetrics(string kind, IReadOnlyList<SampleRecord> samples, int seed) =>
        CellMetrics.Compute(kind, samples, seed);

    /// <summary>results.json, results.csv, report.md, report.html.</summary>
    public static void WriteReports(RunResults results, IReadOnlyList<SampleRecord> samples, string outDir) =>
        ReportWriter.WriteAll(results, samples, outDir);
}
