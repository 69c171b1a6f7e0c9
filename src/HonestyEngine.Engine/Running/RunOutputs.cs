using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>The one place the run calls into metrics and exporters (written by the metrics/reporting side),
/// so `honesty run` and `honesty rescore` share the same code.</summary>
internal static class RunOutputs
{
    public static CellMetricsResult ComputeMetrics(string kind, IReadOnlyList<SampleRecord> samples, int seed) =>
        CellMetrics.Compute(kind, samples, seed);

    // Until Reporting.ReportWriter is on this branch: results.json only.
    public static void WriteReports(RunResults results, IReadOnlyList<SampleRecord> samples, string outDir) =>
        ResultsFile.Write(Path.Combine(outDir, ResultsFile.FileName), results);
}
