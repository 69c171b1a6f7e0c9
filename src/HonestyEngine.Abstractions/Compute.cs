namespace HonestyEngine.Abstractions;

/// <summary>Options for logistic-regression probe training.</summary>
public sealed record LogisticOptions(double L2 = 1e-2, int MaxIterations = 100, double Tolerance = 1e-6, bool FitIntercept = true);

/// <summary>A fitted linear model: score = w.x + b.</summary>
public sealed record LinearModel(float[] Weights, float Bias);

/// <summary>Accelerated activation scoring (issue 6): the same kernels on the SIMD CPU path and on OpenCL.
/// All matrices are row-major; x is [n, d].</summary>
public interface IActivationCompute
{
    /// <summary>Backend name, e.g. "cpu (AVX-512, 2 threads)" or "opencl: NVIDIA H100".</summary>
    string Name { get; }
    /// <summary>scores[n, k] = x[n, d] * w[k, d]^T + bias[k].</summary>
    void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores);
    /// <summary>Column means [d] and covariance [d, d] (divided by n - 1).</summary>
    void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance);
    /// <summary>gram[d, d] = x^T x.</summary>
    void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram);
    /// <summary>L2-regularised logistic regression on labels y in {0, 1}.</summary>
    LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options);
    /// <summary>The same fit on bfloat16 activations, read as stored (e.g. exported from a model that ran in bf16):
    /// each pass over x reads half the bytes. The arithmetic is float32 as for float32 x, so the result equals the
    /// float32 fit on the widened values up to rounding.</summary>
    LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options);
    /// <summary>For each query row, the k rows of <paramref name="matrix"/> [v, d] with the highest dot product
    /// (cosine if <paramref name="cosine"/>); indices and values are [q, k], best first.</summary>
    void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values);
    /// <summary>AUROC of each score column [n, c] against labels (1 positive, 0 negative); NaN where undefined.</summary>
    void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc);
}
