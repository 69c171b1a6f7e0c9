using System.Buffers;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Training.Numerics;

/// <summary>The training seam on the runtime's SGEMM (<see cref="Gemm"/>: OpenBLAS when it loads,
/// else the managed Vector512 kernels; HONESTY_BLAS forces one). That GEMM computes C (+)= A op(B);
/// the transposed-A and alpha forms training needs (dW += dy^T x, LoRA scales) first copy
/// alpha * op(A) to a pooled row-major scratch with a cache-blocked transpose. The serial variant
/// runs the managed kernels on one thread, for products inside parallel work items.</summary>
public sealed class RuntimeMatMul : IMatMul
{
    public static readonly RuntimeMatMul Instance = new(serial: false);
    private static readonly RuntimeMatMul SerialInstance = new(serial: true);
    private readonly bool _serial;

    private RuntimeMatMul(bool serial) => _serial = serial;

    public IMatMul Serial => SerialInstance;

    public unsafe void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (beta != 0f && beta != 1f)
            for (int i = 0; i < m; i++) System.Numerics.Tensors.TensorPrimitives.Multiply(c.Slice(i * ldc, n), beta, c.Slice(i * ldc, n));
        bool accumulate = beta != 0f;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        float[]? scratch = null;
        try
        {
            if (transA || alpha != 1f)
            {
                scratch = ArrayPool<float>.Shared.Rent(m * k);
                CopyScaled(a, lda, transA, m, k, alpha, scratch, parallel: !_serial);
                a = scratch.AsSpan(0, m * k);
                lda = k;
            }
            if (_serial)
            {
                fixed (float* pa = a, pb = b, pc = c)
                    ManagedGemm.Multiply(m, n, k, pa, lda, pb, ldb, transB, pc, ldc, accumulate, threads: 1);
            }
            else
            {
                Runtime.Numerics.Gemm.Run(a, lda, b, ldb, transB, c, ldc, m, n, k, accumulate, Runtime.Numerics.Gemm.Provider);
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>dst[m, k] = alpha * op(A): A is [m, k] (lda) or, transposed, stored [k, m] (lda).
    /// The transpose walks 32 x 32 tiles so both sides stay in cache.</summary>
    private static void CopyScaled(ReadOnlySpan<float> a, int lda, bool transA, int m, int k, float alpha, float[] dst, bool parallel)
    {
        if (!transA)
        {
            for (int i = 0; i < m; i++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(a.Slice(i * lda, k), alpha, dst.AsSpan(i * k, k));
            return;
        }
        const int Tile = 32;
        int tilesM = (m + Tile - 1) / Tile;
        unsafe
        {
            fixed (float* pa = a)
            {
                nint src = (nint)pa;
                void Band(int tm)
                {
                    float* s = (float*)src;
                    int i0 = tm * Tile, i1 = Math.Min(m, i0 + Tile);
                    for (int p0 = 0; p0 < k; p0 += Tile)
                    {
                        int p1 = Math.Min(k, p0 + Tile);
                        for (int i = i0; i < i1; i++)
                        {
                            int row = i * k;
                            for (int p = p0; p < p1; p++) dst[row + p] = alpha * s[(long)p * lda + i];
                        }
                    }
                }
                if (parallel) ParallelRows.For(tilesM, (long)Tile * k, Band);
                else for (int tm = 0; tm < tilesM; tm++) Band(tm);
            }
        }
    }
}
