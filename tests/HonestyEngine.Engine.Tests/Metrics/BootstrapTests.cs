using HonestyEngine.Engine.Metrics;

namespace HonestyEngine.Engine.Tests.Metrics;

public class BootstrapTests
{
    private static readonly List<Results.SampleRecord> Data = Samples.GaussianDetector(seed: 3, lies: 80, honest: 120, control: 300, shift: 1.2);

    [Fact]
    public void Same_seed_gives_identical_intervals()
    {
        var a = CellMetrics.Compute("detector", Data, seed: 42);
        var b = CellMetrics.Compute("detector", Data, seed: 42);
        Assert.Equal(a.Metrics.Keys, b.Metrics.Keys);
        foreach (var name in a.Metrics.Keys)
            Assert.Equal(a.Metrics[name], b.Metrics[name]);
    }

    [Fact]
    public void Different_seed_moves_the_interval_but_not_the_estimate()
    {
        var a = CellMetrics.Compute("detector", Data, seed: 1).Metrics[MetricNames.Auroc];
        var b = CellMetrics.Compute("detector", Data, seed: 2).Metrics[MetricNames.Auroc];
        Assert.Equal(a.Value, b.Value);
        Assert.NotEqual((a.CiLow, a.CiHigh), (b.CiLow, b.CiHigh));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(123)]
    public void Every_interval_contains_its_point_estimate_and_is_a_probability(int seed)
    {
        var cells = new[]
        {
            CellMetrics.Compute("detector", Samples.GaussianDetector(seed, 60, 90, 200, 1.0), seed),
            CellMetrics.Compute("intervention", InterventionTests.WangItems(seed, 80), seed),
            CellMetrics.Compute("elicitor", ElicitorTests.Items(seed, 40, guesses: 8), seed),
        };
        Assert.All(new[] { MetricNames.Auroc, MetricNames.HonestyRate, MetricNames.SuccessRate },
            name => Assert.NotNull(cells.Single(c => c.Metrics.ContainsKey(name)).Metrics[name].Value));
        // Metrics without data here (no trigger flags, no counterfactual pairs, no items without the trigger) are n/a.
        foreach (var (name, m) in cells.SelectMany(c => c.Metrics).Where(kv => kv.Value.Value is not null))
        {
            Assert.True(m.CiLow <= m.Value && m.Value <= m.CiHigh, $"{name}: {m.Value} outside [{m.CiLow}, {m.CiHigh}]");
            Assert.InRange(m.CiLow!.Value, 0, 1);
            Assert.InRange(m.CiHigh!.Value, 0, 1);
            if (name != MetricNames.UnknownRate) // these items have no unjudgeable response: a constant 0
                Assert.True(m.CiHigh > m.CiLow, $"{name}: degenerate interval on noisy data");
        }
    }

    [Fact]
    public void Interval_narrows_with_more_samples()
    {
        double Width(int n)
        {
            var m = CellMetrics.Compute("detector", Samples.GaussianDetector(5, n, n, 4 * n, 1.0), 5).Metrics[MetricNames.Auroc];
            return m.CiHigh!.Value - m.CiLow!.Value;
        }
        Assert.True(Width(400) < Width(40) / 2, "AUROC CI width should shrink roughly as 1/sqrt(n)");
    }

    [Fact]
    public void Auroc_interval_covers_the_true_value_in_most_repetitions()
    {
        // lies ~ N(1, 1), honest ~ N(0, 1): true AUROC = Phi(1 / sqrt 2) = 0.7602499389...
        const double truth = 0.76024993890652326;
        int covered = 0, reps = 40;
        for (int r = 0; r < reps; r++)
        {
            var m = CellMetrics.Compute("detector", Samples.GaussianDetector(1000 + r, 60, 60, 50, 1.0), r,
                MetricOptions.Default with { BootstrapResamples = 500 }).Metrics[MetricNames.Auroc];
            if (m.CiLow <= truth && truth <= m.CiHigh) covered++;
        }
        Assert.InRange(covered, 33, 40); // nominal 95% -> 38 of 40 expected; allow Monte Carlo slack
    }

    [Fact]
    public void Percentile_matches_numpy_linear_interpolation()
    {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) == [1.075, 3.925]
        double[] v = [1, 2, 3, 4];
        Assert.Equal(1.075, Percentile.OfSorted(v, 0.025), 12);
        Assert.Equal(3.925, Percentile.OfSorted(v, 0.975), 12);
    }
}
