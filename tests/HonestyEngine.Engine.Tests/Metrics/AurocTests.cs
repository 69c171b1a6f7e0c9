using HonestyEngine.Engine.Metrics;

namespace HonestyEngine.Engine.Tests.Metrics;

public class AurocTests
{
    /// <summary>O(P*N) Mann-Whitney with ties counted one half: the definition the ranked kernel must equal.</summary>
    private static double BruteForce(double[] pos, double[] neg)
    {
        double credit = 0;
        foreach (var p in pos)
            foreach (var n in neg)
                credit += p > n ? 1 : p == n ? 0.5 : 0;
        return credit / (pos.Length * (double)neg.Length);
    }

    [Theory]
    [InlineData(1, 5, 7)]
    [InlineData(2, 40, 3)]
    [InlineData(3, 300, 250)]
    [InlineData(4, 1, 1)]
    public void Ranked_kernel_equals_pairwise_definition_with_ties(int seed, int p, int n)
    {
        var rng = new Random(seed);
        var pos = Enumerable.Range(0, p).Select(_ => (double)rng.Next(0, 12)).ToArray(); // few distinct values: many ties
        var neg = Enumerable.Range(0, n).Select(_ => (double)rng.Next(-3, 9)).ToArray();
        Assert.Equal(BruteForce(pos, neg), new RankedPairs(pos, neg).Auroc(), 1e-12);
    }

    [Fact]
    public void All_scores_tied_gives_exactly_one_half()
    {
        Assert.Equal(0.5, new RankedPairs([1, 1, 1], [1, 1]).Auroc());
    }

    [Fact]
    public void Reversed_scores_give_zero()
    {
        Assert.Equal(0.0, new RankedPairs([0, 1], [2, 3]).Auroc());
    }

    [Fact]
    public void Resampled_auroc_stays_in_unit_interval_and_varies()
    {
        var rng = new Random(9);
        var pos = Enumerable.Range(0, 50).Select(_ => rng.NextDouble() + 0.3).ToArray();
        var neg = Enumerable.Range(0, 60).Select(_ => rng.NextDouble()).ToArray();
        var ranked = new RankedPairs(pos, neg);
        var gen = new SplitMix64(5);
        var values = Enumerable.Range(0, 200).Select(_ => ranked.ResampledAuroc(ref gen)).ToList();
        Assert.All(values, v => Assert.InRange(v, 0, 1));
        Assert.True(values.Distinct().Count() > 50, "bootstrap resamples should differ from each other");
        Assert.InRange(values.Average(), ranked.Auroc() - 0.05, ranked.Auroc() + 0.05);
    }

    [Fact]
    public void NextInt_is_in_range_and_roughly_uniform()
    {
        var gen = new SplitMix64(123);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[gen.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));
    }
}

public class NoAllocationTests
{
    [Fact]
    public void Bootstrap_resamples_do_not_allocate()
    {
        var rng = new Random(1);
        var pos = Enumerable.Range(0, 500).Select(_ => Math.Round(rng.NextDouble(), 2)).ToArray();
        var neg = Enumerable.Range(0, 700).Select(_ => Math.Round(rng.NextDouble() - 0.1, 2)).ToArray();
        var ranked = new RankedPairs(pos, neg);
        var threshold = new ControlThreshold(neg, 0.01);
        var gen = new SplitMix64(3);
        double sink = ranked.ResampledAuroc(ref gen) + threshold.ResampledThreshold(ref gen); // warm up (JIT)
        sink += ControlThreshold.ResampledFractionAbove(pos, 0.5, ref gen);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 200; b++)
        {
            sink += ranked.ResampledAuroc(ref gen);
            double t = threshold.ResampledThreshold(ref gen);
            sink += ControlThreshold.ResampledFractionAbove(pos, t, ref gen);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink));
    }
}
