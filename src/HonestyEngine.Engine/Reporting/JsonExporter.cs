using HonestyEngine.Engine.IO;

namespace HonestyEngine.Engine.Reporting;

/// <summary>results.json (schema in <see cref="Results.RunResults"/>), the file rescore and report read back.</summary>
public sealed class JsonExporter : IExporter
{
    public string Name => "json";
    public string? FileName => ResultsFile.FileName;
    public string Render(ReportData data) => ResultsFile.Serialize(data.Results) + "\n";
}
