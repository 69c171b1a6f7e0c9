using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Store;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Imported;

namespace HonestyEngine.Cli.Commands;

/// <summary>`run --import FILE --import-labels FILE`: opens activations exported elsewhere (README: Imported
/// activations) as a testbed of the run. Every problem with the files is a <see cref="CliException"/> naming the file.</summary>
internal sealed class ImportedTestbedOption : IDisposable
{
    private readonly ImportedActivations _data;

    public ImportedTestbed Testbed { get; }

    private ImportedTestbedOption(ImportedActivations data, ImportedTestbed testbed) { _data = data; Testbed = testbed; }

    public static ImportedTestbedOption Open(string safetensorsPath, string? labelsPath, string? name)
    {
        if (labelsPath is null) throw new CliException("--import needs --import-labels: the JSONL file with one {\"id\", \"label\", \"split\"} line per row.");
        ImportedActivations data;
        try
        {
            data = ImportedActivations.Open(Path.GetFullPath(safetensorsPath), Path.GetFullPath(labelsPath));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or MethodInputException
                                      or HonestyEngine.Runtime.SafeTensors.SafeTensorsFormatException)
        {
            throw new CliException(e.Message);
        }
        try
        {
            var testbed = new ImportedTestbed(name ?? "imported-" + Path.GetFileNameWithoutExtension(safetensorsPath), data.Path, data.LabelsPath,
                data.Rows.Select(r => new ImportedRowLabel(r.Id, r.Label, r.Split)).ToList(), data.Layers, data.Dim, data.Pooling,
                new ImportedActivationProvider(data));
            return new ImportedTestbedOption(data, testbed);
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            data.Dispose();
            throw new CliException(e.Message);
        }
    }

    public ITestbedSource Source => new TestbedList(Testbed);

    public void Dispose() => _data.Dispose();
}
