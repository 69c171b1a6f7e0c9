namespace HonestyEngine.Engine.Metrics;

internal static class Percentile
{
    /// <summary>The q-quantile (0..1) of ascending-sorted values with linear interpolation between order
    /// statistics: numpy's default ("linear", Hyndman &amp; Fan type 7).</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty) throw new ArgumentException("no values", nameof(sorted));
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        double frac = h - lo;
        return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    }
}
