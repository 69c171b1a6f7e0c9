using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Benchmarks;

/// <summary>The machine's float32 FMA peak, measured in the same run as the kernels it bounds: every thread runs 24
/// independent Vector512 FMA chains (enough to cover the latency of two FMA pipes) on registers only. With many
/// probes, scoring does K FMAs per value of x and stops being limited by memory; this is then its ceiling.</summary>
internal static class FmaPeakProbe
{
    /// <summary>Best-of-<paramref name="repeats"/> GFLOP/s (2 per lane per FMA) over <paramref name="threads"/> threads.</summary>
    public static double GflopsPerSecond(int threads, int repeats = 3)
    {
        const long Iterations = 20_000_000;
        double best = double.MaxValue;
        float sink = 0;
        for (int rep = 0; rep < repeats; rep++)
        {
            var sums = new float[threads];
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Chains(Iterations));
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            sink += sums.Sum();
        }
        GC.KeepAlive(sink);
        return threads * Iterations * 24.0 * Vector512<float>.Count * 2 / best / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0f), a1 = Vector512.Create(1f), a2 = Vector512.Create(2f), a3 = Vector512.Create(3f),
            a4 = Vector512.Create(4f), a5 = Vector512.Create(5f), a6 = Vector512.Create(6f), a7 = Vector512.Create(7f),
            a8 = Vector512.Create(8f), a9 = Vector512.Create(9f), a10 = Vector512.Create(10f), a11 = Vector512.Create(11f),
            a12 = Vector512.Create(12f), a13 = Vector512.Create(13f), a14 = Vector512.Create(14f), a15 = Vector512.Create(15f),
            a16 = Vector512.Create(16f), a17 = Vector512.Create(17f), a18 = Vector512.Create(18f), a19 = Vector512.Create(19f),
            a20 = Vector512.Create(20f), a21 = Vector512.Create(21f), a22 = Vector512.Create(22f), a23 = Vector512.Create(23f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c); a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c); a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c); a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
            a12 = Vector512.FusedMultiplyAdd(a12, m, c); a13 = Vector512.FusedMultiplyAdd(a13, m, c); a14 = Vector512.FusedMultiplyAdd(a14, m, c);
            a15 = Vector512.FusedMultiplyAdd(a15, m, c); a16 = Vector512.FusedMultiplyAdd(a16, m, c); a17 = Vector512.FusedMultiplyAdd(a17, m, c);
            a18 = Vector512.FusedMultiplyAdd(a18, m, c); a19 = Vector512.FusedMultiplyAdd(a19, m, c); a20 = Vector512.FusedMultiplyAdd(a20, m, c);
            a21 = Vector512.FusedMultiplyAdd(a21, m, c); a22 = Vector512.FusedMultiplyAdd(a22, m, c); a23 = Vector512.FusedMultiplyAdd(a23, m, c);
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15))
              + ((a16 + a17) + (a18 + a19)) + ((a20 + a21) + (a22 + a23));
        return Vector512.Sum(s);
    }
}
