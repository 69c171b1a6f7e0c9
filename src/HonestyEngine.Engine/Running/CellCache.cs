using System.Text.Json;
using System.Text.Json.Serialization;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>One file per finished cell under &lt;cache&gt;/cells/, written atomically (temp file + rename), so after
/// kill -9 a cell is either complete on disk or absent: a rerun reuses the complete ones and redoes the rest,
/// and no cell is lost or duplicated. The key covers the testbed (name, version, data), the method (name,
/// version, parameters), the seed, the profile and the samples per item. A cell that read
/// <see cref="HonestyEngine.Abstractions.MethodContext.RunTestbeds"/> also records the run's testbeds key
/// (<see cref="RunTestbedList"/>) and is reused only while it matches: only such cells depend on the other testbeds,
/// and whether a method reads them is known only once it ran, so it is checked on reuse rather than put in the key.</summary>
internal sealed class CellCache(string cacheRoot)
{
    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string CellsDirectory => Path.Combine(cacheRoot, "cells");

    public static string KeyOf(MatrixCell cell, TestbedFingerprint fingerprint, RunOptions options) =>
        MethodVariant.Hash($"cell|v{FormatVersion}|{fingerprint.Hash}|{cell.Variant.KeyMaterial}|seed={options.Seed}|{options.ProfileName}|k={options.EffectiveSamplesPerItem}");

    public string PathOf(MatrixCell cell, string key) =>
        Path.Combine(CellsDirectory, CachePaths.Safe(cell.TestbedName), $"{CachePaths.Safe(cell.Variant.Method.Name)}-{key}.json");

    public string MethodCacheDirectory(MatrixCell cell, string key) =>
        Path.Combine(cacheRoot, "methods", CachePaths.Safe(cell.TestbedName), $"{CachePaths.Safe(cell.Variant.Method.Name)}-{key}");

    /// <summary>The cached cell when it exists, is readable, matches the key and finished ok; otherwise null.</summary>
    public CellFile? TryReadOk(MatrixCell cell, string key, string? runTestbedsKey = null)
    {
        var path = PathOf(cell, key);
        if (!File.Exists(path)) return null;
        try
        {
            var file = JsonSerializer.Deserialize<CellFile>(File.ReadAllText(path), Json);
            return file is { Status: CellStatus.Ok } && file.Key == key && file.Format == FormatVersion
                && (file.RunTestbeds is null || file.RunTestbeds == runTestbedsKey) ? file : null;
        }
        catch (JsonException)
        {
            return null; // cannot happen with atomic writes, but a hand-edited file is simply recomputed
        }
    }

    public CellFile Write(MatrixCell cell, string key, CellOutcome outcome)
    {
        var file = new CellFile
        {
            Format = FormatVersion, Key = key, KeyMaterial = cell.Variant.KeyMaterial, Testbed = cell.TestbedName,
            TestbedVersion = cell.Testbed.Info.Version, Method = cell.Variant.DisplayName, Status = outcome.Status,
            Error = outcome.Error, Seconds = outcome.Seconds, RunTestbeds = outcome.RunTestbedsKey, Log = outcome.Log.ToList(), Samples = outcome.Samples.ToList(),
        };
        AtomicFile.WriteAllText(PathOf(cell, key), JsonSerializer.Serialize(file, Json));
        return file;
    }

    internal sealed class CellFile
    {
        [JsonPropertyName("format")] public int Format { get; set; }
        [JsonPropertyName("key")] public string Key { get; set; } = "";
        [JsonPropertyName("key_material")] public string KeyMaterial { get; set; } = "";
        [JsonPropertyName("testbed")] public string Testbed { get; set; } = "";
        [JsonPropertyName("testbed_version")] public string TestbedVersion { get; set; } = "";
        [JsonPropertyName("method")] public string Method { get; set; } = "";
        [JsonPropertyName("status")] public string Status { get; set; } = "";
        [JsonPropertyName("error")] public string? Error { get; set; }
        [JsonPropertyName("seconds")] public double Seconds { get; set; }
        /// <summary>The run-testbeds key the cell saw, when it read MethodContext.RunTestbeds; otherwise null.</summary>
        [JsonPropertyName("run_testbeds")] public string? RunTestbeds { get; set; }
        [JsonPropertyName("log")] public List<string> Log { get; set; } = [];
        [JsonPropertyName("samples")] public List<SampleRecord> Samples { get; set; } = [];
    }
}
