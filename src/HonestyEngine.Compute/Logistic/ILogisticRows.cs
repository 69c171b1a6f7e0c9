using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Logistic;

/// <summary>The two kernels of a logistic pass for one element format of x, as static members so that
/// <see cref="CpuLogisticLoss{TRows}"/> is specialised per format by the JIT. A format may keep w and the gradient
/// in its own order ("kernel order"): bfloat16 keeps even and odd columns apart, which is what makes its widening
/// a single shift or mask per 16 values.</summary>
internal unsafe interface ILogisticRows
{
    static abstract int ElementBytes { get; }
    /// <summary>w (original column order) into the kernel's order, as float32.</summary>
    static abstract void ToKernelOrder(ReadOnlySpan<double> w, Span<float> destination);
    /// <summary>A gradient in kernel order back into the original column order.</summary>
    static abstract void FromKernelOrder(ReadOnlySpan<double> source, Span<double> destination);
    /// <summary>x_row . w with w in kernel order, x read as <typeparamref name="TShift"/> says; issues software
    /// prefetches for the stream ahead.</summary>
    static abstract float Dot<TShift>(byte* row, float* w, int d, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift;
    /// <summary>The same dot product for four consecutive rows (<paramref name="rowBytes"/> apart), each with exactly
    /// <see cref="Dot{TShift}"/>'s operations in its order (the same bits), into z[0..3]; a format may share its loads
    /// of w across the four. Only called where the rows share their offset from a cache line.</summary>
    static abstract void Dot4<TShift>(byte* row0, long rowBytes, float* w, int d, float* z, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift;
    /// <summary>acc (kernel order) += sum_t r[t] x[t, :] over the register tiles of a block of rows that is hot in cache;
    /// returns the first column (in the format's tile unit) the tiles did not cover.</summary>
    static abstract int Tiles<TShift>(byte* x, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd) where TShift : struct, ILaneShift;
    /// <summary>The columns after the tiles, from <paramref name="firstUncovered"/> on (added into acc as well).</summary>
    static abstract void TileTails(byte* x, int rows, int d, float* r, float* acc, int firstUncovered);
    /// <summary>Whether every row of a block starts at the first row's offset from a cache line (row bytes a multiple of 64).</summary>
    static abstract bool RowsShareOffset(int d);
}

/// <summary>Picks each kernel's aligned-load instantiation (<see cref="LaneShifts"/>) once for both formats.</summary>
internal static unsafe class LogisticRowKernels<TRows> where TRows : ILogisticRows
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(byte* row, float* w, int d, ref byte* prefetch, byte* prefetchEnd)
    {
        var kernel = new DotKernel { Row = row, W = w, D = d, Prefetch = prefetch, PrefetchEnd = prefetchEnd };
        float s = LaneShifts.Dispatch<DotKernel, float>(ref kernel, row);
        prefetch = kernel.Prefetch;
        return s;
    }

    /// <summary>z[0..3] for four consecutive rows; rows that do not share a cache-line offset take four single dots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4(byte* row0, long rowBytes, float* w, int d, float* z, ref byte* prefetch, byte* prefetchEnd)
    {
        if (!TRows.RowsShareOffset(d))
        {
            for (int i = 0; i < 4; i++) z[i] = Dot(row0 + i * rowBytes, w, d, ref prefetch, prefetchEnd);
            return;
        }
        var kernel = new Dot4Kernel { Row0 = row0, RowBytes = rowBytes, W = w, Z = z, D = d, Prefetch = prefetch, PrefetchEnd = prefetchEnd };
        LaneShifts.Dispatch<Dot4Kernel, bool>(ref kernel, row0);
        prefetch = kernel.Prefetch;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeTimesVector(byte* x, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd)
    {
        var kernel = new TilesKernel { X = x, Rows = rows, D = d, R = r, Acc = acc, Prefetch = prefetch, PrefetchEnd = prefetchEnd };
        int covered = LaneShifts.Dispatch<TilesKernel, int>(ref kernel, x, TRows.RowsShareOffset(d));
        prefetch = kernel.Prefetch;
        TRows.TileTails(x, rows, d, r, acc, covered);
    }

    private struct DotKernel : IShiftedKernel<float>
    {
        public byte* Row, Prefetch, PrefetchEnd;
        public float* W;
        public int D;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public float Run<TShift>() where TShift : struct, ILaneShift => TRows.Dot<TShift>(Row, W, D, ref Prefetch, PrefetchEnd);
    }

    private struct Dot4Kernel : IShiftedKernel<bool>
    {
        public byte* Row0, Prefetch, PrefetchEnd;
        public float* W, Z;
        public long RowBytes;
        public int D;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Run<TShift>() where TShift : struct, ILaneShift { TRows.Dot4<TShift>(Row0, RowBytes, W, D, Z, ref Prefetch, PrefetchEnd); return true; }
    }

    private struct TilesKernel : IShiftedKernel<int>
    {
        public byte* X, Prefetch, PrefetchEnd;
        public float* R, Acc;
        public int Rows, D;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Run<TShift>() where TShift : struct, ILaneShift => TRows.Tiles<TShift>(X, Rows, D, R, Acc, ref Prefetch, PrefetchEnd);
    }
}

internal static unsafe class StreamPrefetch
{
    /// <summary>Prefetches the next line of the stream (into all cache levels) and advances.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Next(ref byte* p, byte* end)
    {
        if (Sse.IsSupported && p < end) { Sse.Prefetch0(p); p += 64; }
    }
}
