using System.Text.Json.Serialization;

namespace HonestyEngine.Engine.Results;

public static class CellStatus
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

/// <summary>A metric with its seeded-bootstrap 95% confidence interval. Value is null when the metric is
/// undefined for the cell (e.g. AUROC with no positive samples); Note then says why.</summary>
public sealed record MetricValue
{
    [JsonPropertyName("value")] public double? Value { get; init; }
    [JsonPropertyName("ci_low")] public double? CiLow { get; init; }
    [JsonPropertyName("ci_high")] public double? CiHigh { get; init; }
    [JsonPropertyName("n")] public int N { get; init; }
    [JsonPropertyName("note")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

/// <summary>One cell of the testbed x method matrix, as written to results.json.</summary>
public sealed record CellResult
{
    [JsonPropertyName("testbed")] public required string Testbed { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("family")] public required string Family { get; init; }
    /// <summary>"detector", "intervention" or "elicitor".</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("anchor")] public string Anchor { get; init; } = "";
    [JsonPropertyName("parameters")] public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("n")] public int N { get; init; }
    /// <summary>Metric name -> value with CI. Names: auroc, auroc_vs_control, recall_at_1pct_fpr,
    /// balanced_accuracy, honesty_rate, success_rate, pass_at_k.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricValue> Metrics { get; init; } = new Dictionary<string, MetricValue>();
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    /// <summary>The cache key the cell was computed under (testbed version, method name+version+parameters, seed).</summary>
    [JsonPropertyName("cache_key")] public string CacheKey { get; init; } = "";
}

/// <summary>results.json.</summary>
public sealed record RunResults
{
    public const int CurrentSchemaVersion = 1;
    [JsonPropertyName("schema_version")] public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    [JsonPropertyName("created")] public string Created { get; init; } = "";
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("profile")] public string Profile { get; init; } = "full";
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    [JsonPropertyName("cells")] public IReadOnlyList<CellResult> Cells { get; init; } = [];
}
