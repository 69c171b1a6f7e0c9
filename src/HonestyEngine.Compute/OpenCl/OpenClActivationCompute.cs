using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;
using HonestyEngine.Compute.Logistic;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>The OpenCL backend: kernels from embedded Kernels/*.cl, built once per device at first use.
/// Inputs are uploaded per call (the interface takes host spans); the kernel shape for row-wise work is
/// chosen per device type (<see cref="KernelShapes.For"/>) or forced by the caller (tests run both).
/// Sorting for AUROC and the final top-k merge run on the host, where they are cheap.</summary>
public sealed class OpenClActivationCompute : IActivationCompute
{
    private const int GroupSize = 64;
    internal OpenClContext Context { get; }
    public KernelShape Shape { get; }
    public OpenClDeviceInfo Device => Context.Device;

    /// <summary>Iterations, evaluations and stop reason of the last <see cref="FitLogistic"/> call.</summary>
    internal LbfgsSolver.Result? LastFit { get; private set; }

    /// <param name="ordinal">Device number N of <c>opencl:N</c> (see <see cref="ComputeBackendFactory.ListDevices"/>).</param>
    /// <param name="shape">Force a kernel shape; null picks the best for the device type.</param>
    public OpenClActivationCompute(int ordinal = 0, KernelShape? shape = null)
    {
        var devices = OpenClPlatforms.Devices;
        if (devices.Count == 0)
            throw new InvalidOperationException($"No OpenCL device: {OpenClPlatforms.Problem}.");
        if (ordinal < 0 || ordinal >= devices.Count)
            throw new ArgumentException($"OpenCL device {ordinal} does not exist; devices are 0..{devices.Count - 1}:\n" +
                                        string.Join("\n", devices.Select(d => "  " + d.Describe())));
        Context = OpenClContext.For(devices[ordinal]);
        Shape = shape ?? KernelShapes.For(devices[ordinal]);
    }

    public string Name => $"opencl:{Device.Ordinal} {Device.Name} ({Device.Platform}, {Shape})";

    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        ProjectionChecks.Validate(x, n, d, w, k, bias, scores);
        if (n == 0) return;
        lock (Context.Sync)
        {
            using var bx = DeviceBuffer<float>.From(Context, x, "x");
            using var bw = DeviceBuffer<float>.From(Context, w, "w");
            using var bb = DeviceBuffer<float>.From(Context, bias.IsEmpty ? [0f] : bias, "bias");
            using var bs = new DeviceBuffer<float>(Context, (long)n * k, "scores");
            LaunchProjection(bx, n, d, bw, k, bb, !bias.IsEmpty, bs);
            bs.Read(scores);
        }
        Finite.RequireOutputs(scores, n, k, x, d, "x");
    }

    /// <summary>Uploads x once so repeated scoring measures the kernel alone (benchmarks).</summary>
    internal DeviceBuffer<float> Upload(ReadOnlySpan<float> data, string what)
    {
        lock (Context.Sync) return DeviceBuffer<float>.From(Context, data, what);
    }

    /// <summary>Scores resident x with resident probes and waits for completion (no read-back).</summary>
    internal void ProjectResident(DeviceBuffer<float> x, int n, int d, DeviceBuffer<float> w, int k, DeviceBuffer<float> scores, DeviceBuffer<float> bias)
    {
        lock (Context.Sync)
        {
            LaunchProjection(x, n, d, w, k, bias, false, scores);
            KernelCall.Finish(Context);
        }
    }

    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        if (n < 2) throw new ArgumentException($"Covariance needs at least 2 rows, got {n}.", nameof(n));
        Shapes.Matrix(x.Length, n, d, nameof(x));
        Shapes.Vector(mean.Length, d, nameof(mean));
        Shapes.Matrix(covariance.Length, d, d, nameof(covariance));
        lock (Context.Sync)
        {
            using var bx = DeviceBuffer<float>.From(Context, x, "x");
            ColumnMeans(bx, n, d, mean);
            RequireFiniteOrLocate(mean, 1, d, x, n);
            CenteredGram(bx, n, d, mean, covariance);
        }
        float scale = 1f / (n - 1);
        for (int i = 0; i < covariance.Length; i++) covariance[i] *= scale;
        RequireFiniteOrLocate(covariance, d + 1, d, x, n);
    }

    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        Shapes.Matrix(x.Length, n, d, nameof(x));
        Shapes.Matrix(gram.Length, d, d, nameof(gram));
        lock (Context.Sync)
        {
            using var bx = DeviceBuffer<float>.From(Context, x, "x");
            CenteredGram(bx, n, d, new float[d], gram);
        }
        RequireFiniteOrLocate(gram, d + 1, d, x, n);
    }

    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y);
        using var loss = new OpenClLogisticLoss(this, x, n, d, y);
        LastFit = LbfgsSolver.Minimise(loss, options);
        return LastFit.Model;
    }

    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        LogisticChecks.Validate(x, n, d, y);
        using var loss = new OpenClLogisticLoss(this, x, n, d, y);
        LastFit = LbfgsSolver.Minimise(loss, options);
        return LastFit.Model;
    }

    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values)
    {
        TopKChecks.Validate(queries, q, d, matrix, v, k, indices, values);
        // Similarities are the projection kernel with the matrix as rows and the queries as probes; scores
        // for a batch of queries come back as [v, batch] and the host keeps the k best per query.
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
        lock (Context.Sync)
        {
            using var bm = DeviceBuffer<float>.From(Context, matrix, "matrix");
            using var bnone = new DeviceBuffer<float>(Context, 1, "bias");
            using var bscores = new DeviceBuffer<float>(Context, (long)v * batch, "similarities");
            if (cosine)
            {
                using var bn = new DeviceBuffer<float>(Context, v, "row norms");
                var kernel = Context.Kernel("project", "row_sq_norms");
                KernelCall.Arg(kernel, 0, bm); KernelCall.Arg(kernel, 1, v); KernelCall.Arg(kernel, 2, d); KernelCall.Arg(kernel, 3, bn);
                KernelCall.Launch(Context, kernel, "row_sq_norms", v);
                bn.Read(rowNorms);
                for (int r = 0; r < v; r++) rowNorms[r] = MathF.Sqrt(rowNorms[r]);
            }
            for (int q0 = 0; q0 < q; q0 += batch)
            {
                int qb = Math.Min(batch, q - q0);
                using var bq = DeviceBuffer<float>.From(Context, queries.Slice(q0 * d, qb * d), "queries");
                LaunchProjection(bm, v, d, bq, qb, bnone, false, bscores);
                bscores.Read(scores.AsSpan(0, v * qb));
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

    // ---- kernel launches (callers hold Context.Sync) ----

    internal void LaunchProjection(DeviceBuffer<float> x, int n, int d, DeviceBuffer<float> w, int k, DeviceBuffer<float> bias, bool hasBias, DeviceBuffer<float> scores)
    {
        bool groups = Shape == KernelShape.GroupPerRow;
        string name = groups ? "project_groups" : "project_rows";
        var kernel = Context.Kernel("project", name);
        KernelCall.Arg(kernel, 0, x); KernelCall.Arg(kernel, 1, n); KernelCall.Arg(kernel, 2, d);
        KernelCall.Arg(kernel, 3, w); KernelCall.Arg(kernel, 4, k);
        KernelCall.Arg(kernel, 5, bias); KernelCall.Arg(kernel, 6, hasBias ? 1 : 0);
        KernelCall.Arg(kernel, 7, scores);
        if (groups)
        {
            KernelCall.LocalArg(kernel, 8, GroupSize * sizeof(float));
            KernelCall.Launch(Context, kernel, name, (long)n * GroupSize, 0, GroupSize);
        }
        else KernelCall.Launch(Context, kernel, name, n);
    }

    internal void LaunchResidual(DeviceBuffer<float> z, DeviceBuffer<float> y, int n, float b, DeviceBuffer<float> r, DeviceBuffer<float> loss)
    {
        var kernel = Context.Kernel("logistic", "logistic_residual");
        KernelCall.Arg(kernel, 0, z); KernelCall.Arg(kernel, 1, y); KernelCall.Arg(kernel, 2, n);
        KernelCall.Arg(kernel, 3, b); KernelCall.Arg(kernel, 4, r); KernelCall.Arg(kernel, 5, loss);
        KernelCall.Launch(Context, kernel, "logistic_residual", n);
    }

    internal void LaunchXtVector(DeviceBuffer<float> x, int n, int d, DeviceBuffer<float> r, int slices, int rowsPerSlice, DeviceBuffer<float> partial)
    {
        var kernel = Context.Kernel("reduce", "xt_vector_partial");
        KernelCall.Arg(kernel, 0, x); KernelCall.Arg(kernel, 1, n); KernelCall.Arg(kernel, 2, d);
        KernelCall.Arg(kernel, 3, r); KernelCall.Arg(kernel, 4, rowsPerSlice); KernelCall.Arg(kernel, 5, partial);
        KernelCall.Launch(Context, kernel, "xt_vector_partial", d, slices);
    }

    /// <summary>z = x w for bfloat16 x, in the same two shapes as the projection.</summary>
    internal void LaunchBf16Dot(DeviceBuffer<BFloat16> x, int n, int d, DeviceBuffer<float> w, DeviceBuffer<float> z)
    {
        bool groups = Shape == KernelShape.GroupPerRow;
        string name = groups ? "bf16_dot_groups" : "bf16_dot_rows";
        var kernel = Context.Kernel("project", name);
        KernelCall.Arg(kernel, 0, x); KernelCall.Arg(kernel, 1, n); KernelCall.Arg(kernel, 2, d);
        KernelCall.Arg(kernel, 3, w); KernelCall.Arg(kernel, 4, z);
        if (groups)
        {
            KernelCall.LocalArg(kernel, 5, GroupSize * sizeof(float));
            KernelCall.Launch(Context, kernel, name, (long)n * GroupSize, 0, GroupSize);
        }
        else KernelCall.Launch(Context, kernel, name, n);
    }

    internal void LaunchBf16XtVector(DeviceBuffer<BFloat16> x, int n, int d, DeviceBuffer<float> r, int slices, int rowsPerSlice, DeviceBuffer<float> partial)
    {
        var kernel = Context.Kernel("reduce", "bf16_xt_vector_partial");
        KernelCall.Arg(kernel, 0, x); KernelCall.Arg(kernel, 1, n); KernelCall.Arg(kernel, 2, d);
        KernelCall.Arg(kernel, 3, r); KernelCall.Arg(kernel, 4, rowsPerSlice); KernelCall.Arg(kernel, 5, partial);
        KernelCall.Launch(Context, kernel, "bf16_xt_vector_partial", d, slices);
    }

    /// <summary>Row slices for column reductions: enough work-items for a GPU, few partials for the host.</summary>
    internal static (int Slices, int RowsPerSlice) RowSlices(int n)
    {
        int slices = Math.Clamp(n / 256, 1, 64);
        int rowsPerSlice = (n + slices - 1) / slices;
        return ((n + rowsPerSlice - 1) / rowsPerSlice, rowsPerSlice);
    }

    private void ColumnMeans(DeviceBuffer<float> x, int n, int d, Span<float> mean)
    {
        var (slices, rowsPerSlice) = RowSlices(n);
        var ones = new float[n];
        Array.Fill(ones, 1f);
        using var bones = DeviceBuffer<float>.From(Context, ones, "ones");
        using var bpartial = new DeviceBuffer<float>(Context, (long)slices * d, "column sums");
        LaunchXtVector(x, n, d, bones, slices, rowsPerSlice, bpartial);
        var partial = new float[slices * d];
        bpartial.Read(partial);
        for (int j = 0; j < d; j++)
        {
            double s = 0;
            for (int t = 0; t < slices; t++) s += partial[t * d + j];
            mean[j] = (float)(s / n);
        }
    }

    private void CenteredGram(DeviceBuffer<float> x, int n, int d, ReadOnlySpan<float> mean, Span<float> g)
    {
        using var bmean = DeviceBuffer<float>.From(Context, mean, "mean");
        using var bg = new DeviceBuffer<float>(Context, (long)d * d, "gram");
        var kernel = Context.Kernel("reduce", "gram_tiled");
        KernelCall.Arg(kernel, 0, x); KernelCall.Arg(kernel, 1, n); KernelCall.Arg(kernel, 2, d);
        KernelCall.Arg(kernel, 3, bmean); KernelCall.Arg(kernel, 4, bg);
        long tiles = (d + 15) / 16 * 16;
        KernelCall.Launch(Context, kernel, "gram_tiled", tiles, tiles, 16, 16);
        bg.Read(g);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++)
                g[i * d + j] = g[j * d + i];
    }

    private static void RequireFiniteOrLocate(ReadOnlySpan<float> result, int stride, int d, ReadOnlySpan<float> x, int n)
    {
        bool ok = true;
        for (int j = 0; j < d; j++) ok &= float.IsFinite(result[j * stride]);
        if (ok) return;
        Finite.RequireMatrix(x, n, d, "x");
        throw new MethodInputException("Covariance/Gram overflowed float32 although x is finite (activations too large).");
    }
}
