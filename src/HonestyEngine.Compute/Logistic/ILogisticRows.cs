using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

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
    /// <summary>x_row . w with w in kernel order; issues software prefetches for the stream ahead.</summary>
    static abstract float Dot(byte* row, float* w, int d, ref byte* prefetch, byte* prefetchEnd);
    /// <summary>acc[d] (kernel order) = sum_t r[t] x[t, :] over a block of rows that is hot in cache.</summary>
    static abstract void TransposeTimesVector(byte* x, int rows, int d, float* r, float* acc, ref byte* prefetch, byte* prefetchEnd);
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
