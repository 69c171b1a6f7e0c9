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
    /// <summary>The detail a column header cannot carry, e.g. "FPR <= 1/48" for a recall whose control set is too small
    /// for 1%.</summary>
    [JsonPropertyName("qualifier")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Qualifier { get; init; }
}

/// <summary>What a row of the comparison is: a method under test, the privileged upper bound (sees eval labels), or a
/// reference row computed by the engine (the untreated model, a trigger-presence oracle, a response-text baseline, the
/// direct question). Only methods are ranked.</summary>
public static class CellRole
{
    public const string Method = "method";
    public const string Privileged = "privileged";
    public const string Reference = "reference";
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
    /// <summary><see cref="CellRole"/>: method, privileged or reference.</summary>
    [JsonPropertyName("role")] public string Role { get; init; } = CellRole.Method;
    /// <summary>The testbed is an honest control (honest-base, honest-finetune, implanted-belief): detectors get flag
    /// rates there, never AUROC, and it enters no mean.</summary>
    [JsonPropertyName("control_testbed")] public bool ControlTestbed { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("error")] public string? Error { get; init; }
    [JsonPropertyName("n")] public int N { get; init; }
    /// <summary>Metric name -> value with CI; the names are <see cref="Metrics.MetricNames"/>.</summary>
    [JsonPropertyName("metrics")] public IReadOnlyDictionary<string, MetricValue> Metrics { get; init; } = new Dictionary<string, MetricValue>();
    [JsonPropertyName("seconds")] public double Seconds { get; init; }
    /// <summary>The cache key the cell was computed under (testbed version, method name+version+parameters, seed).</summary>
    [JsonPropertyName("cache_key")] public string CacheKey { get; init; } = "";
}

/// <summary>results.json.</summary>
public sealed record RunResults
{
    /// <summary>2: samples carry group and trigger, detectors score counterfactual pairs, interventions are judged on
    /// target items against the untreated model, cells carry role and control_testbed, and rankings are stored.</summary>
    public const int CurrentSchemaVersion = 2;
    [JsonPropertyName("schema_version")] public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    [JsonPropertyName("created")] public string Created { get; init; } = "";
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("profile")] public string Profile { get; init; } = "full";
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    [JsonPropertyName("cells")] public IReadOnlyList<CellResult> Cells { get; init; } = [];
    /// <summary>Per kind: the ranking over a stated common set of testbeds with paired tests between neighbours.</summary>
    [JsonPropertyName("rankings")] public IReadOnlyList<Ranking> Rankings { get; init; } = [];
}

/// <summary>The ranking of one kind's methods by the mean of its headline metric over the testbeds where every ranked
/// method is defined, with a paired bootstrap test between each pair of neighbours (Holm-corrected across them).</summary>
public sealed record Ranking
{
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("metric")] public required string Metric { get; init; }
    /// <summary>The common set: testbeds on which every ranked method's metric is defined.</summary>
    [JsonPropertyName("testbeds")] public IReadOnlyList<string> Testbeds { get; init; } = [];
    [JsonPropertyName("rows")] public IReadOnlyList<RankedMethod> Rows { get; init; } = [];
    /// <summary>Methods left out of the ranking, with the reason.</summary>
    [JsonPropertyName("not_ranked")] public IReadOnlyList<NotRanked> NotRanked { get; init; } = [];
    [JsonPropertyName("comparisons")] public IReadOnlyList<Comparison> Comparisons { get; init; } = [];
    [JsonPropertyName("note")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

public sealed record RankedMethod
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("mean")] public double Mean { get; init; }
    [JsonPropertyName("ci_low")] public double CiLow { get; init; }
    [JsonPropertyName("ci_high")] public double CiHigh { get; init; }
    /// <summary>Competition rank by mean (tied means share it).</summary>
    [JsonPropertyName("rank")] public int Rank { get; init; }
    /// <summary>"1", or "=2" when tied with another method.</summary>
    [JsonPropertyName("rank_text")] public string RankText { get; init; } = "";
}

public sealed record NotRanked
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("reason")] public required string Reason { get; init; }
}

/// <summary>Paired bootstrap of the difference of means (a - b) over the common set: the same resampled groups of
/// every testbed for both methods. p is two-sided; p_holm is Holm-adjusted across the comparisons of the ranking.</summary>
public sealed record Comparison
{
    [JsonPropertyName("a")] public required string A { get; init; }
    [JsonPropertyName("b")] public required string B { get; init; }
    [JsonPropertyName("difference")] public double Difference { get; init; }
    [JsonPropertyName("ci_low")] public double CiLow { get; init; }
    [JsonPropertyName("ci_high")] public double CiHigh { get; init; }
    [JsonPropertyName("p")] public double P { get; init; }
    [JsonPropertyName("p_holm")] public double PHolm { get; init; }
    /// <summary>p_holm below 0.05: the ranking's order between a and b is supported.</summary>
    [JsonPropertyName("distinguishable")] public bool Distinguishable { get; init; }
}
