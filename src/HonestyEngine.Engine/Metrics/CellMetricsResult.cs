using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

/// <summary>The metrics of one cell: n (samples the metrics used), each metric with its CI, and a note about the
/// cell as a whole (samples excluded and why), or null.</summary>
public sealed record CellMetricsResult(int N, IReadOnlyDictionary<string, MetricValue> Metrics, string? Note);
