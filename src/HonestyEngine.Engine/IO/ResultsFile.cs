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
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ResultsFormatException($"{path}: expected a JSON object with \"schema_version\" and \"cells\", found {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            if (!doc.RootElement.TryGetProperty("cells", out _))
                throw new ResultsFormatException($"{path}: 'cells' is missing; expected a list of cells.");
            results = doc.RootElement.Deserialize<RunResults>(Json);
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
        Validate(path, results);
        return results;
    }

    private static readonly string[] Statuses = [CellStatus.Ok, CellStatus.Failed, CellStatus.Skipped];

    /// <summary>What the reports rely on, checked field by field: the JSON deserializer lets a null (or, for fields with a
    /// default, a missing) value through where the type says it cannot be, and the renderers would then fail with a
    /// NullReferenceException that names no file.</summary>
    private static void Validate(string path, RunResults results)
    {
        ResultsFormatException Bad(string where, string what) => new($"{path}: {where} {what}");
        if (results.Cells is null) throw Bad("'cells'", "is missing or null; expected a list of cells.");
        foreach (var (name, value) in new[] { ("created", results.Created), ("profile", results.Profile), ("device", results.Device) })
            if (value is null) throw Bad($"'{name}'", "is null; expected a string.");
        for (int i = 0; i < results.Cells.Count; i++)
        {
            var c = results.Cells[i];
            string at = $"cells[{i}]";
            if (c is null) throw Bad(at, "is null; expected a cell object.");
            foreach (var (name, value) in new[] { ("testbed", c.Testbed), ("method", c.Method), ("family", c.Family), ("kind", c.Kind), ("status", c.Status), ("anchor", c.Anchor), ("cache_key", c.CacheKey) })
                if (value is null) throw Bad($"{at}.{name}", "is missing or null; expected a string.");
            at = $"cells[{i}] ({c.Testbed} x {c.Method})";
            if (!Statuses.Contains(c.Status)) throw Bad($"{at}.status", $"is '{c.Status}'; expected one of {string.Join(", ", Statuses)}.");
            if (c.Parameters is null) throw Bad($"{at}.parameters", "is null; expected an object of strings.");
            foreach (var (k, v) in c.Parameters)
                if (v is null) throw Bad($"{at}.parameters.{k}", "is null; expected a string.");
            if (c.Metrics is null) throw Bad($"{at}.metrics", "is null; expected an object of metrics.");
            foreach (var (k, v) in c.Metrics)
                if (v is null) throw Bad($"{at}.metrics.{k}", "is null; expected {\"value\", \"ci_low\", \"ci_high\", \"n\"}.");
                else if (v.Value is { } x && !double.IsFinite(x) || v.CiLow is { } lo && !double.IsFinite(lo) || v.CiHigh is { } hi && !double.IsFinite(hi))
                    throw Bad($"{at}.metrics.{k}", "has a non-finite value.");
            if (!double.IsFinite(c.Seconds)) throw Bad($"{at}.seconds", "is not a finite number.");
        }
    }
}
