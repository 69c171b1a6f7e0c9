using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;
using HonestyEngine.Compute.Logistic;
using ILGPU;
using ILGPU.Runtime;

namespace HonestyEngine.Compute.Ilgpu;

/// <summary>The accelerator backend: kernels written in C# (<see cref="IlgpuKernels"/>) and compiled by ILGPU for a
/// CUDA GPU (<c>--device cuda[:N]</c>), an OpenCL device (<c>opencl[:N]</c>) or ILGPU's in-process CPU accelerator
/// (<c>ilgpu-cpu</c>, which is how CI runs these kernels). Inputs are uploaded per call (the interface takes host
/// spans); the kernel shape for row-wise work is chosen per device type (<see cref="KernelShapes.For"/>) or forced by
/// the caller (tests run both). Validation and NaN/Inf reporting are the CPU backend's (Common/Checks.cs, Finite.cs);
/// sorting for AUROC and the final top-k selection run on the host, where they are cheap.</summary>
public sealed class IlgpuActivationCompute : IActivationCompute
{
    internal IlgpuAccelerator Device { get; }
    public KernelShape Shape { get; }
    public IlgpuDeviceInfo Info => Device.Info;

    /// <summary>Iterations, evaluations and stop reason of the last <see cref="FitLogistic(ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, LogisticOptions)"/> call.</summary>
    internal LbfgsSolver.Result? LastFit { get; private set; }

    /// <param name="deviceId"><c>cuda:N</c>, <c>opencl:N</c> or <c>ilgpu-cpu</c> (see <see cref="IlgpuDevices.All"/>).</param>
    /// <param name="shape">Force a kernel shape; null picks the device type's.</param>
    /// <exception cref="ArgumentException">The device is not present (the message lists the ones that are).</exception>
    public IlgpuActivationCompute(string deviceId, KernelShape? shape = null)
    {
        var info = IlgpuDevices.Find(deviceId) ?? throw new ArgumentException(IlgpuDevices.NotPresent(deviceId));
        Device = IlgpuAccelerator.For(info);
        Shape = shape ?? KernelShapes.For(info);
    }

    public string Name => $"{Info.Id} {Info.Name} (ILGPU {Info.Type}, {Shape})";

    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        ProjectionChecks.Validate(x, n, d, w, k, bias, scores);
        if (n == 0) return;
        lock (Device.Sync)
        {
            using var bx = Device.Upload(x);
            ProjectUploaded(bx.View, n, d, w, k, bias, scores);
        }
        Finite.RequireOutputs(scores, n, k, x, d, "x");
    }

    /// <summary>The same scores for bfloat16 activations, read as stored (2 bytes per value; widening is exact). Not part of
    /// <see cref="IActivationCompute"/> (contract 2.0 scores float32 only); the logistic pass and the benchmarks use it.</summary>
    public void ProjectScores(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        ProjectionChecks.Validate(x.Length, n, d, w, k, bias, scores);
        if (n == 0) return;
        lock (Device.Sync)
        {
            using var bx = Device.Upload(MemoryMarshal.Cast<BFloat16, ushort>(x));
            ProjectUploaded(bx.View, n, d, w, k, bias, scores);
        }
        if (Finite.FirstNonFinite(scores) < 0) return;
        Finite.RequireMatrix(x, d, "x");
        throw new MethodInputException("Scores overflowed to a non-finite value although the inputs are finite " +
                                       "(activations or weights too large for float32).");
    }

    private void ProjectUploaded<T>(ArrayView1D<T, Stride1D.Dense> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
        where T : unmanaged
    {
        using var bw = Device.Upload(w);
        using var bb = Device.Upload(bias.IsEmpty ? [0f] : bias);
        using var bs = Device.Allocate<float>((long)n * k);
        Launch<T>(x, n, d, bw.View, k, bb.View, !bias.IsEmpty, bs.View);
        Device.Download(bs, scores);
    }

    private void Launch<T>(ArrayView<T> x, int n, int d, ArrayView<float> w, int k, ArrayView<float> bias, bool hasBias, ArrayView<float> scores)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) Device.Project(Shape, x.Cast<float>(), n, d, w, k, bias, hasBias, scores);
        else if (typeof(T) == typeof(ushort)) Device.Project(Shape, x.Cast<ushort>(), n, d, w, k, bias, hasBias, scores);
        else throw new NotSupportedException(typeof(T).Name);
    }

    // ---- resident data (benchmarks: the kernel alone, as a method scoring many probes against cached activations sees it) ----

    internal MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        lock (Device.Sync) return Device.Upload(data);
    }

    /// <summary>Scores resident x (float32 or bfloat16 bits) with resident probes and waits for completion (no read-back).</summary>
    internal void ProjectResident<T>(MemoryBuffer1D<T, Stride1D.Dense> x, int n, int d, MemoryBuffer1D<float, Stride1D.Dense> w, int k,
                                     MemoryBuffer1D<float, Stride1D.Dense> scores, MemoryBuffer1D<float, Stride1D.Dense> bias) where T : unmanaged
    {
        lock (Device.Sync)
        {
            Launch<T>(x.View, n, d, w.View, k, bias.View, false, scores.View);
            Device.Synchronize();
        }
    }

    /// <summary>Device-to-device copy of <paramref name="source"/> into <paramref name="destination"/>, waited for: the
    /// reference the scoring benchmark compares with on a GPU.</summary>
    internal void CopyResident<T>(MemoryBuffer1D<T, Stride1D.Dense> source, MemoryBuffer1D<T, Stride1D.Dense> destination) where T : unmanaged
    {
        lock (Device.Sync)
        {
            source.View.CopyTo(destination.View);
            Device.Synchronize();
        }
    }

    // ---- statistics ----

    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        if (n < 2) throw new ArgumentException($"Covariance needs at least 2 rows, got {n}.", nameof(n));
        Shapes.Matrix(x.Length, n, d, nameof(x));
        Shapes.Vector(mean.Length, d, nameof(mean));
        Shapes.Matrix(covariance.Length, d, d, nameof(covariance));
        lock (Device.Sync)
        {
            using var bx = Device.Upload(x);
            ColumnMeans(bx.View, n, d, mean);
            RequireFiniteOrLocate(mean, 1, d, x, n);
            CenteredGram(bx.View, n, d, mean, covariance);
        }
        float scale = 1f / (n - 1);
        for (int i = 0; i < covariance.Length; i++) covariance[i] *= scale;
        RequireFiniteOrLocate(covariance, d + 1, d, x, n);
    }

    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram)
    {
        GramChecks.Validate(x.Length, n, d, gram.Length);
        lock (Device.Sync)
        {
            using var bx = Device.Upload(x);
            CenteredGram(bx.View, n, d, new float[d], gram);
        }
        RequireFiniteOrLocate(gram, d + 1, d, x, n);
    }

    /// <summary>Column sums by the X^T r reduction with r = 1, slices added on the host in float64.</summary>
    private void ColumnMeans(ArrayView<float> x, int n, int d, Span<float> mean)
    {
        var (slices, rowsPerSlice) = RowSlices(n);
        var ones = new float[n];
        Array.Fill(ones, 1f);
        using var bones = Device.Upload<float>(ones);
        using var bpartial = Device.Allocate<float>((long)slices * d);
        Device.XtVector(x, n, d, bones.View, slices, rowsPerSlice, bpartial.View);
        var partial = new float[slices * d];
        Device.Download(bpartial, partial);
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int t = 0; t < slices; t++) s += partial[t * d + j];
            mean[j] = (float)(s / n);
        }
    }

    private void CenteredGram(ArrayView<float> x, int n, int d, ReadOnlySpan<float> mean, Span<float> g)
    {
        using var bmean = Device.Upload(mean);
        using var bg = Device.Allocate<float>((long)d * d);
        Device.GramUpper(Shape, x, n, d, bmean.View, bg.View);
        Device.Download(bg, g);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++)
                g[i * d + j] = g[j * d + i];
    }

    /// <summary>Row slices for column reductions: enough threads for a GPU, few partials for the host.</summary>
    internal static (int Slices, int RowsPerSlice) RowSlices(int n)
    {
        int slices = Math.Clamp(n / 256, 1, 64);
        int rowsPerSlice = (n + slices - 1) / slices;
        return ((n + rowsPerSlice - 1) / rowsPerSlice, rowsPerSlice);
    }

    private static void RequireFiniteOrLocate(ReadOnlySpan<float> result, int stride, int d, ReadOnlySpan<float> x, int n)
    {
        bool ok = true;
        for (int j = 0; j < d; j++) ok &= float.IsFinite(result[j * stride]);
        if (ok) return;
        Finite.RequireMatrix(x, n, d, "x");
        throw new MethodInputException("Covariance/Gram overflowed float32 although x is finite (activations too large).");
    }

    // ---- logistic regression ----

    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y);
        using var loss = new IlgpuLogisticLoss(this, x, n, d, y);
        LastFit = LbfgsSolver.Minimise(loss, options);
        return LastFit.Model;
    }

    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y);
        using var loss = new IlgpuLogisticLoss(this, x, n, d, y);
        LastFit = LbfgsSolver.Minimise(loss, options);
        return LastFit.Model;
    }

    // ---- top-k and AUROC ----

    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values)
    {
        TopKChecks.Validate(queries, q, d, matrix, v, k, indices, values);
        // Similarities are the projection kernel with the matrix as rows and the queries as probes; scores for a batch
        // of queries come back as [v, batch] and the host keeps the k best per query.
        int batch = (int)Math.Clamp(32L * 1024 * 1024 / v, 1, q);
        var queryNorms = new float[q];
        for (int i = 0; i < q; i++)
        {
            double s = 0;
            foreach (float t in queries.Slice(i * d, d)) s += (double)t * t;
            queryNorms[i] = (float)Math.Sqrt(s);
        }
        var rowNorms = new float[v];
        var scores = new float[(long)v * batch];
        lock (Device.Sync)
        {
            using var bm = Device.Upload(matrix);
            using var bnone = Device.Allocate<float>(1);
            using var bscores = Device.Allocate<float>((long)v * batch);
            if (cosine)
            {
                using var bn = Device.Allocate<float>(v);
                Device.RowSquaredNorms(bm.View, v, d, bn.View);
                Device.Download(bn, rowNorms);
                for (int r = 0; r < v; r++) rowNorms[r] = MathF.Sqrt(rowNorms[r]);
            }
            for (int q0 = 0; q0 < q; q0 += batch)
            {
                int qb = Math.Min(batch, q - q0);
                using var bq = Device.Upload(queries.Slice(q0 * d, qb * d));
                Device.Project(Shape, bm.View, v, d, bq.View, qb, bnone.View, false, bscores.View);
                Device.Download(bscores, scores.AsSpan(0, v * qb));
                for (int i = 0; i < qb; i++)
                    SelectTopK(scores, v, qb, i, cosine, rowNorms, queryNorms[q0 + i], k,
                        indices.Slice((q0 + i) * k, k), values.Slice((q0 + i) * k, k), matrix, d);
            }
        }
    }

    private static void SelectTopK(float[] scores, int v, int qb, int i, bool cosine, float[] rowNorms, float queryNorm, int k,
                                   Span<int> indices, Span<float> values, ReadOnlySpan<float> matrix, int d)
    {
        var heap = new TopKHeap(values, indices);
        for (int r = 0; r < v; r++)
        {
            float s = scores[(long)r * qb + i];
            if (cosine) s = rowNorms[r] == 0 || queryNorm == 0 ? 0 : s / (rowNorms[r] * queryNorm);
            if (!float.IsFinite(s))
            {
                Finite.RequireRow(matrix.Slice(r * d, d), r, "matrix");
                throw new MethodInputException($"Similarity with matrix row {r} overflowed float32.");
            }
            heap.Offer(s, r);
        }
        heap.SortDescending();
    }

    public void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc)
        => RankAuroc.Run(scores, n, c, labels, auroc, Environment.ProcessorCount);
}
