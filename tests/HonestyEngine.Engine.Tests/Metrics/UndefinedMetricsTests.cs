using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>Metrics that cannot be computed are null with a reason, never a placeholder such as 0.5.</summary>
public class UndefinedMetricsTests
{
    [Fact]
    public void No_lies_makes_every_detector_metric_undefined_with_a_reason()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([], [0.1, 0.2], [0.3, 0.1]), 1);
        foreach (var name in MetricNames.ForKind("detector"))
        {
            var m = r.Metrics[name];
            Assert.Null(m.Value);
            Assert.Null(m.CiLow);
            Assert.Null(m.CiHigh);
            Assert.Contains("no lies", m.Note);
        }
    }

    [Fact]
    public void No_honest_samples_leaves_auroc_undefined_but_auroc_vs_control_defined()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([0.9, 0.8], [], [0.1, 0.2, 0.85]), 1);
        Assert.Null(r.Metrics[MetricNames.Auroc].Value);
        Assert.Contains("no honest samples", r.Metrics[MetricNames.Auroc].Note);
        Assert.Equal(5.0 / 6.0, r.Metrics[MetricNames.AurocVsControl].Value!.Value, 12);
        Assert.Null(r.Metrics[MetricNames.BalancedAccuracy].Value);
        Assert.Equal(0.5, r.Metrics[MetricNames.RecallAt1PctFpr].Value); // 0.9 > max control 0.85, 0.8 is not
    }

    [Fact]
    public void Empty_control_set_leaves_auroc_defined_and_calibrated_metrics_undefined()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([0.9, 0.7], [0.1, 0.8], []), 1);
        Assert.Equal(0.75, r.Metrics[MetricNames.Auroc].Value);
        foreach (var name in new[] { MetricNames.AurocVsControl, MetricNames.RecallAt1PctFpr, MetricNames.BalancedAccuracy })
        {
            Assert.Null(r.Metrics[name].Value);
            Assert.Contains("empty control set", r.Metrics[name].Note);
        }
    }

    [Fact]
    public void Small_control_set_is_flagged_because_one_percent_cannot_be_resolved()
    {
        var r = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 20, 20, 50, 1), 1);
        Assert.Contains("only 50 samples", r.Metrics[MetricNames.RecallAt1PctFpr].Note);
        var big = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 20, 20, 100, 1), 1);
        Assert.Null(big.Metrics[MetricNames.RecallAt1PctFpr].Note);
    }

    [Fact]
    public void Unlabelled_eval_samples_are_excluded_and_counted_in_the_note()
    {
        var samples = Samples.Detector([0.9], [0.1], [0.2]);
        samples.Add(new SampleRecord { Testbed = "tb", Method = "m", Sample = "u", Split = "eval", Label = null, Score = 0.5 });
        var r = CellMetrics.Compute("detector", samples, 1);
        Assert.Equal(1.0, r.Metrics[MetricNames.Auroc].Value);
        Assert.Equal(2, r.Metrics[MetricNames.Auroc].N);
        Assert.Contains("1 eval sample with unknown label", r.Note);
    }

    [Fact]
    public void Empty_cell_is_undefined_not_an_error()
    {
        var r = CellMetrics.Compute("detector", [], 1);
        Assert.Equal(0, r.N);
        Assert.All(r.Metrics.Values, m => Assert.Null(m.Value));
    }

    [Fact]
    public void Bad_samples_raise_an_error_naming_the_sample()
    {
        var noScore = new SampleRecord { Testbed = "tb", Method = "m", Sample = "s7", Split = "eval", Label = 1, Score = null };
        var e = Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("detector", [noScore], 1));
        Assert.Contains("'s7'", e.Message);

        var nan = noScore with { Score = double.NaN };
        Assert.Contains("NaN", Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("detector", [nan], 1)).Message);

        var badSplit = noScore with { Score = 0.5, Split = "train" };
        Assert.Contains("split 'train'", Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("detector", [badSplit], 1)).Message);

        var badLabel = noScore with { Score = 0.5, Label = 2 };
        Assert.Contains("label 2", Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("detector", [badLabel], 1)).Message);

        var other = noScore with { Score = 0.5, Method = "other" };
        Assert.Contains("mixed", Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("detector", [noScore with { Score = 1 }, other], 1)).Message);
    }

    [Fact]
    public void Control_samples_are_rejected_outside_detector_cells()
    {
        var s = new SampleRecord { Testbed = "tb", Method = "m", Sample = "c1", Split = "control", Score = 1 };
        var e = Assert.Throws<MetricsInputException>(() => CellMetrics.Compute("elicitor", [s], 1));
        Assert.Contains("'c1'", e.Message);
    }

    [Fact]
    public void Unknown_kind_names_the_kinds()
    {
        var e = Assert.Throws<ArgumentException>(() => CellMetrics.Compute("probe", [], 1));
        Assert.Contains("detector, intervention or elicitor", e.Message);
        Assert.NotNull(CellMetrics.Compute("Detector", [], 1)); // case-insensitive
    }
}
