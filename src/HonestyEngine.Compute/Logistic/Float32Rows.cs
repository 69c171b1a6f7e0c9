using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Compute.Logistic;

/// <summary>x as float32: w and the gradient in column order.</summary>
internal readonly unsafe struct Float32Rows : ILogisticRows
{
    public static int ElementBytes => sizeof(float);

    public static void ToKernelOrder(ReadOnlySpan<double> w, Span<float> destination)
    {
        for (int i = 0; i < w.Length; i++) destination[i] = (float)w[i];
    }

    public static void FromKernelOrder(ReadOnlySpan<double> source, Span<double> destination) => source.CopyTo(destination);

    /// <summary>Dot product with four independent accumulators: shorter float32 rounding chains than the
    /// projection kernel's, because near the optimum the solver compares losses that differ by ~1e-9.
    /// Half a line prefetched per line consumed (the other half comes from phase 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(byte* row, float* b, int d, ref byte* prefetch, byte* prefetchEnd)
    {
        float* a = (float*)row;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 16), Vector512.Load(b + j + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 32), Vector512.Load(b + j + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 48), Vector512.Load(b + j + 48), s3);
            StreamPrefetch.Next(ref prefetch, prefetchEnd); StreamPrefetch.Next(ref prefetch, prefetchEnd);
        }
        for (; j + 16 <= d; j += 16)
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), s0);
        float s = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; j < d; j++) s += a[j] * b[j];
        return s;
    }

    /// <summary>Keeps a 64-column tile of acc in four registers across the rows: one load and one FMA per
    /// element, no read-modify-write of acc per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeTimesVector(byte* xBytes, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd)
    {
        float* x = (float*)xBytes;
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* col = x + j;
            for (int t = 0; t < rows; t++, col += d)
            {
                var rv = Vector512.Create(r[t]);
                a0 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col), a0);
                a1 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 48), a3);
                StreamPrefetch.Next(ref prefetch, prefetchEnd); StreamPrefetch.Next(ref prefetch, prefetchEnd);
            }
            a0.Store(acc + j); a1.Store(acc + j + 16); a2.Store(acc + j + 32); a3.Store(acc + j + 48);
        }
        for (; j < d; j++)
        {
            float s = 0;
            for (int t = 0; t < rows; t++) s += r[t] * x[(long)t * d + j];
            acc[j] = s;
        }
    }
}
