using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Compute.Cpu;

/// <summary>g[d, d] = (x - mean)^T (x - mean), the shared core of Gram and covariance.
/// Rows are processed in blocks that stay in cache; within a block each task owns four rows of g and
/// keeps a 4 x 32 tile of it in registers (8 Vector512 accumulators) while walking the block's rows.
/// Only the upper triangle is computed and then mirrored.</summary>
internal static unsafe class CpuGram
{
    private const int RowBlock = 128, TileI = 4, TileJ = 32;

    /// <param name="mean">Column means to subtract, or null for a plain Gram matrix.</param>
    public static void Run(float* x, int n, int d, float* mean, float* g, int threads)
    {
        new Span<float>(g, checked(d * d)).Clear();
        var zeros = mean == null ? new float[d] : null;
        fixed (float* z = zeros)
        {
            nint px = (nint)x, pm = (nint)(mean == null ? z : mean), pg = (nint)g;
            int tilesI = (d + TileI - 1) / TileI;
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            for (int r0 = 0; r0 < n; r0 += RowBlock)
            {
                int r1 = Math.Min(n, r0 + RowBlock), rb = r0;
                Parallel.For(0, tilesI, options, ti =>
                    TileRow((float*)px, rb, r1, d, (float*)pm, (float*)pg, ti * TileI));
            }
        }
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++)
                g[(long)i * d + j] = g[(long)j * d + i];
    }

    /// <summary>Adds rows [r0, r1) into g[i0..i0+4, j] for j from the tile column containing i0 to d.</summary>
    private static void TileRow(float* x, int r0, int r1, int d, float* m, float* g, int i0)
    {
        int i1 = Math.Min(d, i0 + TileI);
        int j = i0 / TileJ * TileJ;
        if (i1 - i0 == TileI)
            for (; j + TileJ <= d; j += TileJ) Tile4x32(x, r0, r1, d, m, g, i0, j);
        ScalarTile(x, r0, r1, d, m, g, i0, i1, j, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x32(float* x, int r0, int r1, int d, float* m, float* g, int i0, int j0)
    {
        var mj0 = Vector512.Load(m + j0);
        var mj1 = Vector512.Load(m + j0 + 16);
        float m0 = m[i0], m1 = m[i0 + 1], m2 = m[i0 + 2], m3 = m[i0 + 3];
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
                         c20 = default, c21 = default, c30 = default, c31 = default;
        for (int r = r0; r < r1; r++)
        {
            float* row = x + (long)r * d;
            var b0 = Vector512.Load(row + j0) - mj0;
            var b1 = Vector512.Load(row + j0 + 16) - mj1;
            var a = Vector512.Create(row[i0] - m0);
            c00 = Vector512.FusedMultiplyAdd(a, b0, c00); c01 = Vector512.FusedMultiplyAdd(a, b1, c01);
            a = Vector512.Create(row[i0 + 1] - m1);
            c10 = Vector512.FusedMultiplyAdd(a, b0, c10); c11 = Vector512.FusedMultiplyAdd(a, b1, c11);
            a = Vector512.Create(row[i0 + 2] - m2);
            c20 = Vector512.FusedMultiplyAdd(a, b0, c20); c21 = Vector512.FusedMultiplyAdd(a, b1, c21);
            a = Vector512.Create(row[i0 + 3] - m3);
            c30 = Vector512.FusedMultiplyAdd(a, b0, c30); c31 = Vector512.FusedMultiplyAdd(a, b1, c31);
        }
        float* g0 = g + (long)i0 * d + j0;
        Accumulate(g0, c00, c01);
        Accumulate(g0 + d, c10, c11);
        Accumulate(g0 + 2 * d, c20, c21);
        Accumulate(g0 + 3 * d, c30, c31);
    }

    private static void Accumulate(float* dst, Vector512<float> lo, Vector512<float> hi)
    {
        (Vector512.Load(dst) + lo).Store(dst);
        (Vector512.Load(dst + 16) + hi).Store(dst + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarTile(float* x, int r0, int r1, int d, float* m, float* g, int i0, int i1, int j0, int j1)
    {
        if (j0 >= j1) return;
        for (int i = i0; i < i1; i++)
            for (int j = j0; j < j1; j++)
            {
                float s = 0;
                for (int r = r0; r < r1; r++)
                {
                    float* row = x + (long)r * d;
                    s += (row[i] - m[i]) * (row[j] - m[j]);
                }
                g[(long)i * d + j] += s;
            }
    }
}
