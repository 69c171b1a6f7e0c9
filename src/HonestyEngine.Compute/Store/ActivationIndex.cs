using System.Text.Json;
using System.Text.Json.Serialization;

namespace HonestyEngine.Compute.Store;

/// <summary>index.json of one cached activation set. The shards are plain safetensors files, each holding
/// one tensor "activations" [rows, dim] (F32); concatenated in order they are the [Rows, Dim] matrix whose row
/// i belongs to Ids[i]. Python: <c>numpy.concatenate([safe_open(f).get_tensor("activations") for f in shards])</c>.</summary>
public sealed record ActivationIndex
{
    public const string CurrentFormat = "honestyengine.activations/1";
    public const string TensorName = "activations";

    [JsonPropertyName("format")] public string Format { get; init; } = CurrentFormat;
    [JsonPropertyName("model_name")] public string ModelName { get; init; } = "";
    [JsonPropertyName("model_path")] public string? ModelPath { get; init; }
    [JsonPropertyName("adapter_path")] public string? AdapterPath { get; init; }
    [JsonPropertyName("hook")] public string Hook { get; init; } = "";
    [JsonPropertyName("pooling")] public string Pooling { get; init; } = "";
    [JsonPropertyName("dataset_hash")] public string DatasetHash { get; init; } = "";
    [JsonPropertyName("rows")] public int Rows { get; init; }
    [JsonPropertyName("dim")] public int Dim { get; init; }
    [JsonPropertyName("ids")] public List<string> Ids { get; init; } = [];
    [JsonPropertyName("shards")] public List<ActivationShard> Shards { get; init; } = [];
    [JsonPropertyName("created_utc")] public string CreatedUtc { get; init; } = "";

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads and checks index.json; every problem names the file.</summary>
    public static ActivationIndex Load(string path)
    {
        ActivationIndex? index;
        try
        {
            index = JsonSerializer.Deserialize<ActivationIndex>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid activation index ({e.Message}).", e);
        }
        if (index is null) throw new InvalidDataException($"{path}: empty activation index.");
        if (index.Format != CurrentFormat)
            throw new InvalidDataException($"{path}: format '{index.Format}' is not '{CurrentFormat}'.");
        if (index.Rows < 0 || index.Dim <= 0)
            throw new InvalidDataException($"{path}: rows = {index.Rows}, dim = {index.Dim} is not a valid shape.");
        if (index.Ids.Count != index.Rows)
            throw new InvalidDataException($"{path}: {index.Ids.Count} ids for {index.Rows} rows.");
        long next = 0;
        foreach (var s in index.Shards)
        {
            if (s.RowStart != next || s.Rows < 0)
                throw new InvalidDataException($"{path}: shard '{s.File}' starts at row {s.RowStart} with {s.Rows} rows; expected to start at {next}.");
            if (s.File.Contains('/') || s.File.Contains('\\') || s.File.StartsWith('.'))
                throw new InvalidDataException($"{path}: shard file name '{s.File}' must be a plain name inside the set's folder.");
            next += s.Rows;
        }
        if (next != index.Rows)
            throw new InvalidDataException($"{path}: shards hold {next} rows but the index says {index.Rows}.");
        return index;
    }
}

public sealed record ActivationShard(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("row_start")] int RowStart,
    [property: JsonPropertyName("rows")] int Rows);
