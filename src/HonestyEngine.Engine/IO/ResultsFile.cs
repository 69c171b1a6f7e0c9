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
        if (results.SchemaVersion == 1)
            throw new ResultsFormatException($"{path}: schema_version 1 was written before the metrics of schema 2 existed, and its samples.jsonl " +
                "lacks what they need: each sample's 'group' (subject, for the cluster bootstrap) and 'trigger' (for AUROC within the trigger items), " +
                "the detectors' 'counterfactual' transcripts, the interventions' 'outcome.labels' and 'outcome.untreated_label' (target items, unknown rate), " +
                "the role and control_testbed of each cell, and the reference rows (no-intervention, trigger-presence-oracle, response-text-baseline, direct-question). " +
                "It cannot be rescored; rerun it with `honesty run --out <folder>` (the model runs and cells are recomputed under the new keys).");
        if (results.SchemaVersion != RunResults.CurrentSchemaVersion)
            throw new ResultsFormatException($"{path}: schema_version {results.SchemaVersion} is not supported (this build reads {RunResults.CurrentSchemaVersion}).");
        return results;
    }
}
