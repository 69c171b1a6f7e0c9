namespace HonestyEngine.Training.Numerics;

/// <summary>The one matrix-multiply seam the training math is written against (row-major, like
/// cblas_sgemm with CblasRowMajor): C = alpha * op(A) * op(B) + beta * C, where op(X) is X or X^T.
/// Training needs three shapes of it: y = x W^T (NT), dx = dy W (NN) and dW += dy^T x (TN).
/// Implementations must be deterministic: every element of C is reduced in a fixed order no
/// matter how the work is split over threads.</summary>
public interface IMatMul
{
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    /// <summary>The same GEMM on the calling thread only, for many small products that are
    /// themselves spread over the cores (attention per sequence and head).</summary>
    IMatMul Serial { get; }
}
