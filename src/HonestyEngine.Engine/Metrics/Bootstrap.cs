namespace HonestyEngine.Engine.Metrics;

/// <summary>Percentile bootstrap 95% confidence intervals (Efron &amp; Tibshirani 1993, ch. 13).</summary>
internal static class Bootstrap
{
    public const double Lower = 0.025;
    public const double Upper = 0.975;

    /// <summary>The 2.5% and 97.5% percentiles of the resampled statistics (sorted in place).</summary>
    public static (double Low, double High) PercentileInterval(Span<double> statistics)
    {
        statistics.Sort();
        return (Percentile.OfSorted(statistics, Lower), Percentile.OfSorted(statistics, Upper));
    }

    /// <summary>CI of the mean of per-item values (resampling items with replacement).</summary>
    public static (double Low, double High) MeanInterval(ReadOnlySpan<double> values, int resamples, ref SplitMix64 rng)
    {
        var stats = new double[resamples];
        int n = values.Length;
        for (int b = 0; b < stats.Length; b++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++) sum += values[rng.NextInt(n)];
            stats[b] = sum / n;
        }
        return PercentileInterval(stats);
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Length;
    }
}
