using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Logistic;

/// <summary>x as bfloat16: half the bytes of float32 per pass, which is what bounds the pass.
/// Two adjacent bfloat16 values read as one uint32 hold column 2k in the low half and column 2k+1 in the high
/// half, so <c>u &lt;&lt; 16</c> is column 2k as a float32 and <c>u &amp; 0xFFFF0000</c> is column 2k+1: one integer
/// operation widens 16 values, with no shuffles (a float16 copy, converted with integer vector code, measured
/// 1.2-1.3x slower per pass than float32). The kernel therefore keeps w and the gradient as [even columns, odd
/// columns, last column if d is odd].</summary>
internal readonly unsafe struct BFloat16Rows : ILogisticRows
{
    public static bool RowsShareOffset(int d) => d * sizeof(ushort) % 64 == 0;

    public static int ElementBytes => sizeof(ushort);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToKernelOrder(ReadOnlySpan<double> w, Span<float> destination)
    {
        int half = w.Length / 2;
        for (int k = 0; k < half; k++)
        {
            destination[k] = (float)w[2 * k];
            destination[half + k] = (float)w[2 * k + 1];
        }
        if ((w.Length & 1) != 0) destination[w.Length - 1] = (float)w[w.Length - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromKernelOrder(ReadOnlySpan<double> source, Span<double> destination)
    {
        int half = source.Length / 2;
        for (int k = 0; k < half; k++)
        {
            destination[2 * k] = source[k];
            destination[2 * k + 1] = source[half + k];
        }
        if ((source.Length & 1) != 0) destination[source.Length - 1] = source[source.Length - 1];
    }

    private static Vector512<uint> HighHalves => Vector512.Create(0xFFFF0000u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Even(Vector512<uint> pairs) => Vector512.ShiftLeft(pairs, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Odd(Vector512<uint> pairs) => (pairs & HighHalves).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Widen(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Four accumulators over 64 columns per step (two 64-byte lines, one prefetch: half a line per line
    /// consumed, the other half comes from phase 2). x is read with aligned loads (<see cref="AlignedStream{TShift}"/>)
    /// whenever the row starts on a 4-byte boundary; the result is the same bit for bit as with unaligned loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TShift>(byte* row, float* w, int d, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        int half = d >> 1;
        float* we = w, wo = w + half;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        Vector512<uint> previous = default;
        uint* line = aligned ? AlignedStream<TShift>.Start(row, out previous) : null;
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int k = 0;
        for (; k + 32 <= half; k += 32)
        {
            Row<TShift>(aligned, row, line, k, ref previous, Vector512.Load(we + k), Vector512.Load(wo + k),
                Vector512.Load(we + k + 16), Vector512.Load(wo + k + 16), ref s0, ref s1, ref s2, ref s3);
            StreamPrefetch.Next(ref prefetch, prefetchEnd);
        }
        for (; k + 16 <= half; k += 16)
            Half<TShift>(aligned, row, line, k, ref previous, Vector512.Load(we + k), Vector512.Load(wo + k), ref s0, ref s1);
        return Finish(Vector512.Sum((s0 + s1) + (s2 + s3)), row, we, wo, w, k, d);
    }

    /// <summary>Four rows at once (see <see cref="ILogisticRows.Dot4{TShift}"/>): per 64 columns, four loads of w (even
    /// and odd halves) serve eight of x, where one row at a time loaded two of w per load of x. Alternating runs at
    /// d = 4096: 35.4-35.9 GB/s median against 29.9-30.8 one row at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4<TShift>(byte* row0, long rowBytes, float* w, int d, float* z, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        int half = d >> 1;
        float* we = w, wo = w + half;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        byte* r0 = row0, r1 = row0 + rowBytes, r2 = row0 + 2 * rowBytes, r3 = row0 + 3 * rowBytes;
        Vector512<uint> p0 = default, p1 = default, p2 = default, p3 = default;
        uint* l0 = null, l1 = null, l2 = null, l3 = null;
        if (aligned)
        {
            l0 = AlignedStream<TShift>.Start(r0, out p0); l1 = AlignedStream<TShift>.Start(r1, out p1);
            l2 = AlignedStream<TShift>.Start(r2, out p2); l3 = AlignedStream<TShift>.Start(r3, out p3);
        }
        Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
        int k = 0;
        for (; k + 32 <= half; k += 32)
        {
            var we0 = Vector512.Load(we + k); var wo0 = Vector512.Load(wo + k); var we1 = Vector512.Load(we + k + 16); var wo1 = Vector512.Load(wo + k + 16);
            Row<TShift>(aligned, r0, l0, k, ref p0, we0, wo0, we1, wo1, ref s00, ref s01, ref s02, ref s03);
            Row<TShift>(aligned, r1, l1, k, ref p1, we0, wo0, we1, wo1, ref s10, ref s11, ref s12, ref s13);
            Row<TShift>(aligned, r2, l2, k, ref p2, we0, wo0, we1, wo1, ref s20, ref s21, ref s22, ref s23);
            Row<TShift>(aligned, r3, l3, k, ref p3, we0, wo0, we1, wo1, ref s30, ref s31, ref s32, ref s33);
            for (int i = 0; i < 4; i++) StreamPrefetch.Next(ref prefetch, prefetchEnd);
        }
        for (; k + 16 <= half; k += 16)
        {
            var wev = Vector512.Load(we + k); var wov = Vector512.Load(wo + k);
            Half<TShift>(aligned, r0, l0, k, ref p0, wev, wov, ref s00, ref s01);
            Half<TShift>(aligned, r1, l1, k, ref p1, wev, wov, ref s10, ref s11);
            Half<TShift>(aligned, r2, l2, k, ref p2, wev, wov, ref s20, ref s21);
            Half<TShift>(aligned, r3, l3, k, ref p3, wev, wov, ref s30, ref s31);
        }
        z[0] = Finish(Vector512.Sum((s00 + s01) + (s02 + s03)), r0, we, wo, w, k, d);
        z[1] = Finish(Vector512.Sum((s10 + s11) + (s12 + s13)), r1, we, wo, w, k, d);
        z[2] = Finish(Vector512.Sum((s20 + s21) + (s22 + s23)), r2, we, wo, w, k, d);
        z[3] = Finish(Vector512.Sum((s30 + s31) + (s32 + s33)), r3, we, wo, w, k, d);
    }

    /// <summary>One row's 32 pairs, shared by <see cref="Dot{TShift}"/> and <see cref="Dot4{TShift}"/> (so both do the same
    /// operations in the same order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TShift>(bool aligned, byte* row, uint* line, int k, ref Vector512<uint> previous, Vector512<float> we0, Vector512<float> wo0,
        Vector512<float> we1, Vector512<float> wo1, ref Vector512<float> s0, ref Vector512<float> s1, ref Vector512<float> s2, ref Vector512<float> s3)
        where TShift : struct, ILaneShift
    {
        Vector512<uint> u0, u1;
        if (aligned)
        {
            u0 = AlignedStream<TShift>.Next(line + k, ref previous);
            u1 = AlignedStream<TShift>.Next(line + k + 16, ref previous);
        }
        else { u0 = Vector512.Load((uint*)row + k); u1 = Vector512.Load((uint*)row + k + 16); }
        s0 = Vector512.FusedMultiplyAdd(Even(u0), we0, s0);
        s1 = Vector512.FusedMultiplyAdd(Odd(u0), wo0, s1);
        s2 = Vector512.FusedMultiplyAdd(Even(u1), we1, s2);
        s3 = Vector512.FusedMultiplyAdd(Odd(u1), wo1, s3);
    }

    /// <summary>One row's 16 pairs after the 32-pair steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Half<TShift>(bool aligned, byte* row, uint* line, int k, ref Vector512<uint> previous, Vector512<float> wev, Vector512<float> wov,
        ref Vector512<float> s0, ref Vector512<float> s1) where TShift : struct, ILaneShift
    {
        var u = aligned ? AlignedStream<TShift>.Next(line + k, ref previous) : Vector512.Load((uint*)row + k);
        s0 = Vector512.FusedMultiplyAdd(Even(u), wev, s0);
        s1 = Vector512.FusedMultiplyAdd(Odd(u), wov, s1);
    }

    /// <summary>The scalar pairs and odd last column after the vector sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float s, byte* row, float* we, float* wo, float* w, int k, int d)
    {
        int half = d >> 1;
        ushort* x = (ushort*)row;
        for (; k < half; k++) s += Widen(x[2 * k]) * we[k] + Widen(x[2 * k + 1]) * wo[k];
        if ((d & 1) != 0) s += Widen(x[d - 1]) * w[d - 1];
        return s;
    }

    /// <summary>The pairs after the last whole 32-pair tile, and the last column when d is odd.</summary>
    public static void TileTails(byte* xBytes, int rows, int d, float* r, float* acc, int firstUncovered)
    {
        int half = d >> 1;
        float* accEven = acc, accOdd = acc + half;
        int k = firstUncovered;
        for (; k < half; k++)
        {
            float se = accEven[k], so = accOdd[k];
            ushort* x = (ushort*)xBytes + 2 * k;
            for (int t = 0; t < rows; t++, x += d) { se += r[t] * Widen(x[0]); so += r[t] * Widen(x[1]); }
            accEven[k] = se; accOdd[k] = so;
        }
        if ((d & 1) != 0)
        {
            float s = acc[d - 1];
            ushort* x = (ushort*)xBytes + d - 1;
            for (int t = 0; t < rows; t++, x += d) s += r[t] * Widen(x[0]);
            acc[d - 1] = s;
        }
    }

    /// <summary>The 32-pair column tiles: each keeps 64 columns of acc (32 even, 32 odd) in four registers across the
    /// rows of the block; returns the first pair index it did not cover. Where every row starts at the same offset
    /// from a cache line (rows a multiple of 64 bytes long), x is read with aligned loads, giving the same vectors as
    /// unaligned ones (<see cref="AlignedStream{TShift}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Tiles<TShift>(byte* xBytes, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift
    {
        int half = d >> 1;
        long rowBytes = (long)d * sizeof(ushort);
        float* accEven = acc, accOdd = acc + half;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        int k = 0;
        for (; k + 32 <= half; k += 32)
        {
            Vector512<float> a0 = Vector512.Load(accEven + k), a1 = Vector512.Load(accOdd + k), a2 = Vector512.Load(accEven + k + 16), a3 = Vector512.Load(accOdd + k + 16);
            byte* col = xBytes + k * sizeof(uint);
            for (int t = 0; t < rows; t++, col += rowBytes)
            {
                var rv = Vector512.Create(r[t]);
                Vector512<uint> u0, u1;
                if (aligned) AlignedStream<TShift>.Two((uint*)col - TShift.Lanes, out u0, out u1);
                else { u0 = Vector512.Load((uint*)col); u1 = Vector512.Load((uint*)col + 16); }
                a0 = Vector512.FusedMultiplyAdd(rv, Even(u0), a0);
                a1 = Vector512.FusedMultiplyAdd(rv, Odd(u0), a1);
                a2 = Vector512.FusedMultiplyAdd(rv, Even(u1), a2);
                a3 = Vector512.FusedMultiplyAdd(rv, Odd(u1), a3);
                StreamPrefetch.Next(ref prefetch, prefetchEnd);
            }
            a0.Store(accEven + k); a1.Store(accOdd + k); a2.Store(accEven + k + 16); a3.Store(accOdd + k + 16);
        }
        return k;
    }
}
