using System.Runtime.Intrinsics;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;
using HonestyEngine.Compute.Logistic;

namespace HonestyEngine.Compute.Cpu;

/// <summary>The default backend: Vector512 kernels (System.Numerics.Tensors style, span in / span out),
/// multithreaded over row blocks. Bad shapes throw <see cref="ArgumentException"/>; NaN/Inf in the data
/// throw <see cref="MethodInputException"/> naming row and column.</summary>
public sealed unsafe class CpuActivationCompute : IActivationCompute
{
    private readonly int _threads;

    /// <summary>Per-iteration solver lines (objective, gradient, step) when set; for diagnosing slow fits.</summary>
    public Action<string>? Trace { get; set; }

    /// <param name="threads">Worker threads; 0 = one per core.</param>
    public CpuActivationCompute(int threads = 0)
    {
        _threads = threads > 0 ? threads : Environment.ProcessorCount;
    }

    public string Name => $"cpu ({(Vector512.IsHardwareAccelerated ? "AVX-512" : "no AVX-512: Vector512 emulated")}, {_threads} threads)";

    /// <summary>Iterations, evaluations and stop reason of the last <see cref="FitLogistic"/> call.</summary>
    internal LbfgsSolver.Result? LastFit { get; private set; }

    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        ProjectionChecks.Validate(x, n, d, w, k, bias, scores);
        fixed (float* px = x) fixed (float* pw = w) fixed (float* pb = bias) fixed (float* ps = scores)
            CpuProjection.Run(px, n, d, pw, k, bias.IsEmpty ? null : pb, ps, _threads);
        Finite.RequireOutputs(scores, n, k, x, d, "x");
    }

    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        if (n < 2) throw new ArgumentException($"Covariance needs at least 2 rows, got {n}.", nameof(n));
        Shapes.Matrix(x.Length, n, d, nameof(x));
        Shapes.Vector(mean.Length, d, nameof(mean));
        Shapes.Matrix(covariance.Length, d, d, nameof(covariance));
        fixed (float* px = x) fixed (float* pm = mean) fixed (float* pc = covariance)
        {
            ColumnMeans(px, n, d, pm);
            CheckDiagonalOrLocate(mean, 1, x, n, d); // a NaN/Inf in x makes its column mean non-finite
            CpuGram.Run(px, n, d, pm, pc, _threads);
        }
        float scale = 1f / (n - 1);
        for (int i = 0; i < covariance.Length; i++) covariance[i] *= scale;
        CheckDiagonalOrLocate(covariance, d + 1, x, n, d);
    }

    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram)
    {
        GramChecks.Validate(x.Length, n, d, gram.Length);
        fixed (float* px = x) fixed (float* pg = gram)
            CpuGram.Run(px, n, d, null, pg, _threads);
        CheckDiagonalOrLocate(gram, d + 1, x, n, d);
    }

    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y, scanX: false);
        fixed (float* px = x) fixed (float* py = y)
        {
            nint xAddress = (nint)px;
            return Fit<Float32Rows>(px, py, n, d, options,
                () => Finite.RequireMatrix(new ReadOnlySpan<float>((float*)xAddress, checked(n * d)), n, d, "x"));
        }
    }

    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y, scanX: false);
        fixed (BFloat16* px = x) fixed (float* py = y)
        {
            nint xAddress = (nint)px;
            return Fit<BFloat16Rows>(px, py, n, d, options,
                () => Finite.RequireMatrix(new ReadOnlySpan<BFloat16>((BFloat16*)xAddress, checked(n * d)), d, "x"));
        }
    }

    /// <summary>L-BFGS over the fused pass for x's element format; NaN/Inf in x are located only if the first loss is
    /// non-finite (<paramref name="locateNonFiniteInput"/>).</summary>
    private LinearModel Fit<TRows>(void* x, float* y, int n, int d, LogisticOptions options, Action locateNonFiniteInput) where TRows : ILogisticRows
    {
        LastFit = LbfgsSolver.Minimise(new CpuLogisticLoss<TRows>(x, y, n, d, _threads), options, Trace, locateNonFiniteInput);
        return LastFit.Model;
    }

    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values)
    {
        TopKChecks.Validate(queries, q, d, matrix, v, k, indices, values);
        fixed (float* pq = queries) fixed (float* pm = matrix)
            CpuTopK.Run(pq, q, d, pm, v, k, cosine, indices, values, _threads);
    }

    public void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc)
        => RankAuroc.Run(scores, n, c, labels, auroc, _threads);

    private void ColumnMeans(float* x, int n, int d, float* mean)
    {
        // Sum rows in blocks per task into double partials, so n = 100k rows do not lose float precision.
        int tasks = Math.Max(1, Math.Min(_threads * 4, n / 64 + 1));
        var partial = new double[tasks * d];
        nint px = (nint)x;
        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, t =>
        {
            long r0 = (long)n * t / tasks, r1 = (long)n * (t + 1) / tasks;
            var block = new float[d];
            var acc = partial.AsSpan(t * d, d);
            for (long r = r0; r < r1; r += 64)
            {
                Array.Clear(block);
                long end = Math.Min(r1, r + 64);
                for (long i = r; i < end; i++)
                    System.Numerics.Tensors.TensorPrimitives.Add(block, new ReadOnlySpan<float>((float*)px + i * d, d), block);
                for (int j = 0; j < d; j++) acc[j] += block[j];
            }
        });
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int t = 0; t < tasks; t++) s += partial[t * d + j];
            mean[j] = (float)(s / n);
        }
    }

    /// <summary>NaN/Inf anywhere in column j of x shows up on the diagonal entry j of the result (and in the
    /// column mean); only then is x scanned to report the exact element.</summary>
    private static void CheckDiagonalOrLocate(ReadOnlySpan<float> result, int stride, ReadOnlySpan<float> x, int n, int d)
    {
        bool ok = true;
        for (int j = 0; j < d; j++) ok &= float.IsFinite(result[j * stride]);
        if (ok) return;
        Finite.RequireMatrix(x, n, d, "x");
        throw new MethodInputException("Covariance/Gram overflowed float32 although x is finite (activations too large).");
    }
}
