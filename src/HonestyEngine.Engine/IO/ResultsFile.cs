using System.Text.Json;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.IO;

/// <summary>results.json: the run's cells with metrics and CIs, versioned by <see cref="RunResults.SchemaVersion"/>.</summary>
public static class ResultsFile
{
    public const string FileName = "results.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(RunResults results) => JsonSerializer.Serialize(results, Json);

    public static void Write(string path, RunResults results) => AtomicFile.WriteAllText(path, Serialize(results) + "\n");

    public static RunResults Read(string path)
    {
        if (!File.Exists(path)) throw new ResultsFormatException($"{path}: file not found.");
        RunResults? results;
        try
        {
            results = JsonSerializer.Deserialize<RunResults>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ResultsFormatException($"{path}: not valid results JSON: {e.Message}", e);
        }
        if (results is null) throw new ResultsFormatException($"{path}: empty results file.");
        if (results.SchemaVersion != RunResults.CurrentSchemaVersion)
            throw new ResultsFormatException($"{path}: schema_version {results.SchemaVersion} is not supported (this build reads {RunResults.CurrentSchemaVersion}).");
        return results;
    }
}
