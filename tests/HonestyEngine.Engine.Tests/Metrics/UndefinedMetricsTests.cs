using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>Metrics that cannot be computed are null with a reason, never a placeholder such as 0.5.</summary>
public class UndefinedMetricsTests
{
    private static readonly MetricOptions One = MetricOptions.Default with { MinPerClass = 1 };

    [Fact]
    public void No_lies_makes_every_detector_metric_undefined_with_a_reason()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([], [0.1, 0.2], [0.3, 0.1]), 1, One);
        foreach (var name in new[] { MetricNames.Auroc, MetricNames.AurocVsControl, MetricNames.RecallAtFpr, MetricNames.BalancedAccuracy })
        {
            var m = r.Metrics[name];
            Assert.Null(m.Value);
            Assert.Null(m.CiLow);
            Assert.Null(m.CiHigh);
            Assert.Contains("only 0", m.Note);
            Assert.Contains("lies (label 1)", m.Note);
        }
    }

    [Fact]
    public void Below_ten_per_class_every_comparison_is_na_with_the_counts()
    {
        var r = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 9, 40, 50, 1), 1);
        Assert.Null(r.Metrics[MetricNames.Auroc].Value);
        Assert.Contains("only 9 eval lies (label 1); at least 10 are needed", r.Metrics[MetricNames.Auroc].Note);
        var ok = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 10, 10, 50, 1), 1);
        Assert.NotNull(ok.Metrics[MetricNames.Auroc].Value);
    }

    [Fact]
    public void No_honest_samples_leaves_auroc_undefined_but_auroc_vs_control_defined()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([0.9, 0.8], [], [0.1, 0.2, 0.85]), 1, One);
        Assert.Null(r.Metrics[MetricNames.Auroc].Value);
        Assert.Contains("only 0 eval honest transcripts", r.Metrics[MetricNames.Auroc].Note);
        Assert.Equal(5.0 / 6.0, r.Metrics[MetricNames.AurocVsControl].Value!.Value, 12);
        Assert.Null(r.Metrics[MetricNames.BalancedAccuracy].Value);
        Assert.Equal(0.5, r.Metrics[MetricNames.RecallAtFpr].Value); // 0.9 > max control 0.85, 0.8 is not
    }

    [Fact]
    public void Empty_control_set_leaves_auroc_defined_and_calibrated_metrics_undefined()
    {
        var r = CellMetrics.Compute("detector", Samples.Detector([0.9, 0.7], [0.1, 0.8], []), 1, One);
        Assert.Equal(0.75, r.Metrics[MetricNames.Auroc].Value);
        Assert.Contains("control transcripts", r.Metrics[MetricNames.AurocVsControl].Note);
        foreach (var name in new[] { MetricNames.RecallAtFpr, MetricNames.BalancedAccuracy })
        {
            Assert.Null(r.Metrics[name].Value);
            Assert.Contains("empty control set", r.Metrics[name].Note);
        }
    }

    [Fact]
    public void Recall_names_the_fpr_its_control_set_really_allows()
    {
        var r = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 20, 20, 48, 1), 1);
        Assert.Equal("FPR ≤ 1/48 (0 of 48 controls flagged)", r.Metrics[MetricNames.RecallAtFpr].Qualifier);
        var big = CellMetrics.Compute("detector", Samples.GaussianDetector(1, 20, 20, 500, 1), 1);
        Assert.Equal("FPR ≤ 5/500", big.Metrics[MetricNames.RecallAtFpr].Qualifier);
    }

    [Fact]
    public void Unlabelled_eval_samples_are_excluded_and_counted_in_the_note()
    {
        var samples = Samples.Detector([0.9], [0.1], [0.2]);
        samples.Add(new SampleRecord { Testbed = "tb", Method = "m", Sample = "u", Split = "eval", Label = null, Score = 0.5 });
        var r = CellMetrics.Compute("detector", samples, 1, One);
        Assert.Equal(1.0, r.Metrics[MetricNames.Auroc].Value);
        Assert.Equal(2, r.Metrics[MetricNames.Auroc].N);
        Assert.Contains("1 eval transcript with unknown label", r.Note);
    }

    [Fact]
    public void The_bootstrap_resamples_subjects_so_phrasings_of_one_question_do_not_narrow_the_ci()
    {
        // The same 20 lies and 20 honest answers, once as 40 subjects and once as 4 subjects of 10 phrasings each.
        var items = Samples.GaussianDetector(3, 20, 20, 50, 1.0);
        var grouped = items.Select((s, i) => s.Split == "eval" ? s with { Group = $"g{i % 4}" } : s with { Group = s.Sample }).ToList();
        var a = CellMetrics.Compute("detector", items, 1).Metrics[MetricNames.Auroc];
        var b = CellMetrics.Compute("detector", grouped, 1).Metrics[MetricNames.Auroc];
        Assert.Equal(a.Value, b.Value);
        Assert.True(b.CiHigh - b.CiLow > a.CiHigh - a.CiLow, $"grouped [{b.CiLow}, {b.CiHigh}] vs items [{a.CiLow}, {a.CiHigh}]");
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
