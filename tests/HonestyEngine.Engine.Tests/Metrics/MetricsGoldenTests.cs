using HonestyEngine.Engine.Metrics;

namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>Point estimates against scikit-learn 1.2 (values committed in golden/golden.json).</summary>
public class MetricsGoldenTests
{
    private const double Tol = 1e-12;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Detector_metrics_match_scikit_learn(string name)
    {
        var c = Golden.Detector.Single(d => d.Name == name);
        var result = CellMetrics.Compute("detector", Samples.Detector(c.Lies, c.Honest, c.Control), seed: 1,
            MetricOptions.Default with { BootstrapResamples = 50, MinPerClass = 1 });

        Assert.Equal(c.Auroc, result.Metrics[MetricNames.Auroc].Value!.Value, Tol);
        Assert.Equal(c.AurocVsControl, result.Metrics[MetricNames.AurocVsControl].Value!.Value, Tol);
        Assert.Equal(c.RecallAtFpr, result.Metrics[MetricNames.RecallAtFpr].Value!.Value, Tol);
        Assert.Equal(c.BalancedAccuracy, result.Metrics[MetricNames.BalancedAccuracy].Value!.Value, Tol);
        Assert.Equal(c.Lies.Length + c.Honest.Length, result.Metrics[MetricNames.Auroc].N);
        Assert.Equal(c.Lies.Length + c.Honest.Length + c.Control.Length, result.N);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Control_threshold_keeps_control_fpr_at_most_one_percent(string name)
    {
        var c = Golden.Detector.Single(d => d.Name == name);
        double threshold = WeightedThreshold.Of(c.Control, 0.01);
        Assert.Equal(c.Threshold, threshold, Tol);
        Assert.Equal(c.ControlFpr, WeightedThreshold.FractionAbove(c.Control, threshold), Tol);
        Assert.True(WeightedThreshold.FractionAbove(c.Control, threshold) <= 0.01);
    }

    [Fact]
    public void Pass_at_k_matches_the_combinatorial_definition()
    {
        foreach (var c in Golden.PassAtK)
        {
            double mean = c.Items.Average(item => PassAtK.Estimate(item[0], item[1], c.K));
            Assert.Equal(c.PassAtK, mean, 1e-12);
        }
    }

    [Fact]
    public void Golden_file_covers_ties_across_classes()
    {
        // The golden cases must exercise the tie handling this test suite claims to check.
        var c = Golden.Detector.Single(d => d.Name == "hand_ties");
        Assert.Contains(c.Lies, s => c.Honest.Contains(s));
        Assert.Contains(c.Lies, s => c.Control.Contains(s));
    }

    public static TheoryData<string> Cases() => Golden.DetectorNames();
}
