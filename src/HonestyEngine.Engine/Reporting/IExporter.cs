using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>What every exporter renders: the run's cells and the samples they were computed from
/// (ROC curves are drawn from the samples, not from the summary numbers).</summary>
public sealed record ReportData(RunResults Results, IReadOnlyList<SampleRecord> Samples);

/// <summary>One output format of a run, like BenchmarkDotNet's exporters. Renders to text so the same exporter
/// writes a file, prints to the console, or is compared with an approved file in a test.</summary>
public interface IExporter
{
    /// <summary>Short name: "console", "markdown", "csv", "json", "html".</summary>
    string Name { get; }

    /// <summary>The file it writes in the results folder, or null when it only prints (console).</summary>
    string? FileName { get; }

    string Render(ReportData data);
}
