using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Logistic;

/// <summary>x as float32: w and the gradient in column order.</summary>
internal readonly unsafe struct Float32Rows : ILogisticRows
{
    public static bool RowsShareOffset(int d) => d % 16 == 0;

    public static int ElementBytes => sizeof(float);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToKernelOrder(ReadOnlySpan<double> w, Span<float> destination)
    {
        for (int i = 0; i < w.Length; i++) destination[i] = (float)w[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromKernelOrder(ReadOnlySpan<double> source, Span<double> destination) => source.CopyTo(destination);

    /// <summary>Dot product with four independent accumulators: shorter float32 rounding chains than the
    /// projection kernel's, because near the optimum the solver compares losses that differ by ~1e-9.
    /// Half a line prefetched per line consumed (the other half comes from phase 2). x is read with aligned loads
    /// (<see cref="AlignedStream{TShift}"/>) whenever the row starts on a 4-byte boundary; the result is the same
    /// bit for bit as with unaligned loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TShift>(byte* row, float* b, int d, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        float* a = (float*)row;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        Vector512<uint> previous = default;
        uint* line = aligned ? AlignedStream<TShift>.Start(row, out previous) : null;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            Vector512<float> x0, x1, x2, x3;
            if (aligned)
            {
                x0 = AlignedStream<TShift>.Next(line + j, ref previous).AsSingle();
                x1 = AlignedStream<TShift>.Next(line + j + 16, ref previous).AsSingle();
                x2 = AlignedStream<TShift>.Next(line + j + 32, ref previous).AsSingle();
                x3 = AlignedStream<TShift>.Next(line + j + 48, ref previous).AsSingle();
            }
            else
            {
                x0 = Vector512.Load(a + j); x1 = Vector512.Load(a + j + 16); x2 = Vector512.Load(a + j + 32); x3 = Vector512.Load(a + j + 48);
            }
            s0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(b + j), s0);
            s1 = Vector512.FusedMultiplyAdd(x1, Vector512.Load(b + j + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(x2, Vector512.Load(b + j + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(x3, Vector512.Load(b + j + 48), s3);
            StreamPrefetch.Next(ref prefetch, prefetchEnd); StreamPrefetch.Next(ref prefetch, prefetchEnd);
        }
        for (; j + 16 <= d; j += 16)
        {
            var x0 = aligned ? AlignedStream<TShift>.Next(line + j, ref previous).AsSingle() : Vector512.Load(a + j);
            s0 = Vector512.FusedMultiplyAdd(x0, Vector512.Load(b + j), s0);
        }
        float s = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; j < d; j++) s += a[j] * b[j];
        return s;
    }

    /// <summary>Four single-row dots. Sharing each load of w across four rows, as bfloat16 does, measured slower for
    /// float32 (0.76-0.79 against 0.91-0.97 of the read bandwidth at d = 1024, no gain at 4096): with one load of w per
    /// load of x the float32 pass is not limited by its loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4<TShift>(byte* row0, long rowBytes, float* b, int d, float* z, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        for (int i = 0; i < 4; i++) z[i] = Dot<TShift>(row0 + i * rowBytes, b, d, ref prefetch, prefetchEnd);
    }

    /// <summary>The columns after the last whole 64-column tile, one at a time.</summary>
    public static void TileTails(byte* xBytes, int rows, int d, float* r, float* acc, int firstUncovered)
    {
        float* x = (float*)xBytes;
        int j = firstUncovered;
        for (; j < d; j++)
        {
            float s = acc[j];
            for (int t = 0; t < rows; t++) s += r[t] * x[(long)t * d + j];
            acc[j] = s;
        }
    }

    /// <summary>The 64-column tiles: each keeps a tile of acc in four registers across the rows (one load and one FMA
    /// per element, acc read and written once per block, not per row); returns the first column it did not cover. Where every row
    /// starts at the same offset from a cache line (d a multiple of 16), x is read with aligned loads, giving the same
    /// vectors as unaligned ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Tiles<TShift>(byte* xBytes, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        float* x = (float*)xBytes;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            Vector512<float> a0 = Vector512.Load(acc + j), a1 = Vector512.Load(acc + j + 16), a2 = Vector512.Load(acc + j + 32), a3 = Vector512.Load(acc + j + 48);
            float* col = x + j;
            for (int t = 0; t < rows; t++, col += d)
            {
                var rv = Vector512.Create(r[t]);
                Vector512<float> x0, x1, x2, x3;
                if (aligned)
                {
                    AlignedStream<TShift>.Four((uint*)col - TShift.Lanes, out var u0, out var u1, out var u2, out var u3);
                    x0 = u0.AsSingle(); x1 = u1.AsSingle(); x2 = u2.AsSingle(); x3 = u3.AsSingle();
                }
                else
                {
                    x0 = Vector512.Load(col); x1 = Vector512.Load(col + 16); x2 = Vector512.Load(col + 32); x3 = Vector512.Load(col + 48);
                }
                a0 = Vector512.FusedMultiplyAdd(rv, x0, a0);
                a1 = Vector512.FusedMultiplyAdd(rv, x1, a1);
                a2 = Vector512.FusedMultiplyAdd(rv, x2, a2);
                a3 = Vector512.FusedMultiplyAdd(rv, x3, a3);
                StreamPrefetch.Next(ref prefetch, prefetchEnd); StreamPrefetch.Next(ref prefetch, prefetchEnd);
            }
            a0.Store(acc + j); a1.Store(acc + j + 16); a2.Store(acc + j + 32); a3.Store(acc + j + 48);
        }
        return j;
    }
}
