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
        Assert.Equal(BruteForce(pos, neg), Auroc(pos, neg), 1e-12);
    }

    private static double Auroc(double[] pos, double[] neg) =>
        new WeightedAuroc([.. pos, .. neg], [.. pos.Select(_ => true), .. neg.Select(_ => false)]).Value();

    [Fact]
    public void Weights_count_each_sample_that_many_times()
    {
        double[] pos = [0.9, 0.4], neg = [0.5, 0.1];
        var auroc = new WeightedAuroc([.. pos, .. neg], [true, true, false, false]);
        // Weights (2, 1 | 1, 3) equal the multiset {0.9, 0.9, 0.4} against {0.5, 0.1, 0.1, 0.1}.
        Assert.Equal(BruteForce([0.9, 0.9, 0.4], [0.5, 0.1, 0.1, 0.1]), auroc.Value([2, 1, 1, 3]), 12);
        Assert.True(double.IsNaN(auroc.Value([0, 0, 1, 1])), "no positive weight: undefined, never 0.5");
    }

    [Fact]
    public void All_scores_tied_gives_exactly_one_half()
    {
        Assert.Equal(0.5, Auroc([1, 1, 1], [1, 1]));
    }

    [Fact]
    public void Reversed_scores_give_zero()
    {
        Assert.Equal(0.0, Auroc([0, 1], [2, 3]));
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
        var auroc = new WeightedAuroc([.. pos, .. neg], [.. pos.Select(_ => true), .. neg.Select(_ => false)]);
        var threshold = new WeightedThreshold(neg, 0.01);
        var clusters = new Clusters(Enumerable.Range(0, pos.Length + neg.Length).Select(i => $"g{i / 3}").ToList());
        var counts = new int[clusters.Count];
        var weights = new int[pos.Length + neg.Length];
        var gen = new SplitMix64(3);
        double Resample()
        {
            clusters.Draw(ref gen, counts);
            clusters.Weights(counts, weights);
            return auroc.Value(weights) + threshold.Value(weights.AsSpan(pos.Length)) + Weighted.FractionAbove(pos, weights.AsSpan(0, pos.Length), 0.5);
        }
        double sink = Resample(); // warm up (JIT)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int b = 0; b < 200; b++) sink += Resample();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink));
    }
}
