using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Tests.Numerics;

[Collection(GlobalGemmSettings.Name)]
public class GemmTests
{
    public static IEnumerable<object[]> Shapes()
    {
        // Edges of every blocking parameter: Mr=6, Nr=32, Kc=256, small-M path below 8 rows.
        int[][] shapes = [[1, 1, 1], [1, 100, 64], [3, 33, 17], [7, 31, 300], [6, 32, 256], [13, 65, 257], [50, 97, 513], [64, 64, 64], [8, 1, 5], [2, 70, 0]];
        foreach (var s in shapes)
            foreach (var p in new[] { GemmProvider.Managed, GemmProvider.OpenBlas })
                foreach (var t in new[] { true, false })
                    foreach (var acc in new[] { false, true })
                        yield return [s[0], s[1], s[2], p, t, acc];
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesDoublePrecisionReference(int m, int n, int k, GemmProvider provider, bool bTransposed, bool accumulate)
    {
        if (provider == GemmProvider.OpenBlas && !Gemm.OpenBlasAvailable) return; // the managed rows still run
        var rng = new Random(m * 1000 + n * 10 + k);
        float[] a = Rand(rng, m * k), b = Rand(rng, n * k), c0 = Rand(rng, m * n);
        var c = (float[])c0.Clone();
        Gemm.Run(a, k, b, bTransposed ? k : n, bTransposed, c, n, m, n, k, accumulate, provider);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = accumulate ? c0[i * n + j] : 0;
                for (int kk = 0; kk < k; kk++)
                    s += (double)a[i * k + kk] * (bTransposed ? b[j * k + kk] : b[kk * n + j]);
                Assert.True(Math.Abs(s - c[i * n + j]) <= 1e-5 * (k + 1), $"[{i},{j}] {s} vs {c[i * n + j]} ({provider})");
            }
    }

    [Fact]
    public void ThreadedManagedMatchesSingleThreaded()
    {
        var rng = new Random(5);
        int m = 40, n = 200, k = 300;
        float[] a = Rand(rng, m * k), b = Rand(rng, n * k), c1 = new float[m * n], c2 = new float[m * n];
        int saved = Gemm.Threads;
        try
        {
            Gemm.Threads = 1; Gemm.Run(a, k, b, k, true, c1, n, m, n, k, false, GemmProvider.Managed);
            Gemm.Threads = 4; Gemm.Run(a, k, b, k, true, c2, n, m, n, k, false, GemmProvider.Managed);
        }
        finally { Gemm.Threads = saved; }
        Assert.Equal(c1, c2); // each output element is computed by one thread in the same order
    }

    [Fact]
    public void RejectsTooSmallBuffers()
    {
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposed(new float[5], new float[6], new float[4], 2, 2, 3));
    }

    private static float[] Rand(Random r, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }
}
