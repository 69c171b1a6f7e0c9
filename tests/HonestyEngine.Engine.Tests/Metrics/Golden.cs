using System.Text.Json;
using System.Text.Json.Serialization;

namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>The scikit-learn values committed in Metrics/golden/golden.json (made by golden/make_golden.py).</summary>
internal static class Golden
{
    public sealed record DetectorCase(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("lies")] double[] Lies,
        [property: JsonPropertyName("honest")] double[] Honest,
        [property: JsonPropertyName("control")] double[] Control,
        [property: JsonPropertyName("auroc")] double Auroc,
        [property: JsonPropertyName("auroc_vs_control")] double AurocVsControl,
        [property: JsonPropertyName("threshold")] double Threshold,
        [property: JsonPropertyName("recall_at_fpr")] double RecallAtFpr,
        [property: JsonPropertyName("balanced_accuracy")] double BalancedAccuracy,
        [property: JsonPropertyName("control_fpr")] double ControlFpr);

    public sealed record PassAtKCase(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("items")] int[][] Items,
        [property: JsonPropertyName("k")] int K,
        [property: JsonPropertyName("pass_at_k")] double PassAtK);

    private sealed record File(
        [property: JsonPropertyName("detector_cases")] DetectorCase[] DetectorCases,
        [property: JsonPropertyName("pass_at_k_cases")] PassAtKCase[] PassAtKCases);

    private static readonly Lazy<File> Data = new(() =>
    {
        var path = Path.Combine(RepoPaths.TestsSource, "Metrics", "golden", "golden.json");
        var json = System.IO.File.ReadAllText(path);
        return JsonSerializer.Deserialize<File>(json)
               ?? throw new InvalidOperationException($"{path}: empty");
    });

    public static IReadOnlyList<DetectorCase> Detector => Data.Value.DetectorCases;
    public static IReadOnlyList<PassAtKCase> PassAtK => Data.Value.PassAtKCases;

    public static TheoryData<string> DetectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Detector) data.Add(c.Name);
        return data;
    }
}
