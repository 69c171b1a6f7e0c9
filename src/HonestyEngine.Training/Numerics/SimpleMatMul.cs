using System.Buffers;
using System.Numerics.Tensors;

namespace HonestyEngine.Training.Numerics;

/// <summary>A plain, deterministic GEMM on TensorPrimitives: transposed operands are copied once to
/// row-major scratch, then each row of C is accumulated as a sequence of axpy's over the rows of B in
/// index order. Rows of C are split over threads; each row is owned by exactly one thread, so the
/// result does not depend on the thread count. An independent reference for the tests (the trainer
/// uses <see cref="RuntimeMatMul"/>).</summary>
public sealed class SimpleMatMul : IMatMul
{
    public static readonly SimpleMatMul Instance = new(parallel: true);
    private static readonly SimpleMatMul SerialInstance = new(parallel: false);
    private readonly bool _parallel;

    private SimpleMatMul(bool parallel) => _parallel = parallel;

    public IMatMul Serial => SerialInstance;

    public unsafe void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        float[]? aT = null, bT = null;
        try
        {
            // Bring A to [m, k] and B to [k, n], both row-major and dense.
            if (transA) { aT = ArrayPool<float>.Shared.Rent(m * k); Transpose(a, lda, m, k, aT); a = aT.AsSpan(0, m * k); lda = k; }
            if (transB) { bT = ArrayPool<float>.Shared.Rent(k * n); Transpose(b, ldb, k, n, bT); b = bT.AsSpan(0, k * n); ldb = n; }
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                int la = lda, lb = ldb, lc = ldc;
                void Row(int i)
                {
                    var cRow = new Span<float>((float*)ic + (long)i * lc, n);
                    if (beta == 0f) cRow.Clear();
                    else if (beta != 1f) TensorPrimitives.Multiply(cRow, beta, cRow);
                    float* aRow = (float*)ia + (long)i * la;
                    for (int p = 0; p < k; p++)
                    {
                        float s = alpha * aRow[p];
                        if (s == 0f) continue;
                        var bRow = new ReadOnlySpan<float>((float*)ib + (long)p * lb, n);
                        TensorPrimitives.MultiplyAdd(bRow, s, cRow, cRow);
                    }
                }
                if (_parallel) ParallelRows.For(m, 2L * n * k, Row);
                else for (int i = 0; i < m; i++) Row(i);
            }
        }
        finally
        {
            if (aT is not null) ArrayPool<float>.Shared.Return(aT);
            if (bT is not null) ArrayPool<float>.Shared.Return(bT);
        }
    }

    /// <summary>dst[cols, rows] = src[rows, cols]^T where src has leading dimension ld.</summary>
    private static void Transpose(ReadOnlySpan<float> src, int ld, int cols, int rows, Span<float> dst)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = src.Slice(r * ld, cols);
            for (int j = 0; j < cols; j++) dst[j * rows + r] = row[j];
        }
    }
}
