using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace HonestyEngine.Compute.Ilgpu;

/// <summary>How an element of x widens to float32 inside a kernel. Kernels are generic over it, so one kernel body
/// serves float32 and bfloat16 rows (ILGPU specialises each instantiation, as the JIT does on the CPU path).</summary>
internal interface IElementFormat<T> where T : unmanaged
{
    float Widen(T value);
}

/// <summary>x as float32.</summary>
internal readonly struct Float32Format : IElementFormat<float>
{
    public float Widen(float value) => value;
}

/// <summary>x as bfloat16, stored as its 16 bits (the upper half of a float32): widening is a 16-bit shift, exact.</summary>
internal readonly struct BFloat16Format : IElementFormat<ushort>
{
    public float Widen(ushort value) => BitConverter.Int32BitsToSingle(value << 16);
}

/// <summary>The kernels of the ILGPU backend, written once in C# and compiled by ILGPU for whichever accelerator runs
/// them: CUDA (PTX), OpenCL (OpenCL C) or the in-process CPU accelerator (tests). Row-wise work comes in two shapes
/// (<see cref="KernelShape"/>) because the best one differs by device (shared/research/opencl-on-the-h100.md): one row
/// per thread for CPU-like devices, one warp per pair of rows (coalesced loads, shuffle reduction) for GPUs. Sums are
/// float32 inside a kernel, as on the OpenCL backend this replaces; partial sums over row slices come back to the host,
/// which adds them in float64.</summary>
internal static class IlgpuKernels
{
    /// <summary>Probes scored per launch of the warp kernel: the panel's accumulators live in registers.</summary>
    public const int PanelProbes = 8;

    /// <summary>Rows per shared-memory chunk of the tiled Gram kernel (one barrier pair per chunk).</summary>
    public const int GramChunkRows = 64;

    // ---- projection: scores[n, k] = x[n, d] w[k, d]^T + bias[k] ----

    /// <summary>One row per thread, every probe of the call in turn (the row stays in cache between probes); four
    /// partial sums per dot product. The CPU shape.</summary>
    public static void ProjectRows<T, TFormat>(Index1D row, ArrayView<T> x, int d, ArrayView<float> w, int k,
                                               ArrayView<float> bias, int hasBias, ArrayView<float> scores)
        where T : unmanaged where TFormat : struct, IElementFormat<T>
    {
        var format = default(TFormat);
        long xo = (long)row.X * d;
        for (int p = 0; p < k; p++)
        {
            long wo = (long)p * d;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j + 4 <= d; j += 4)
            {
                s0 += format.Widen(x[xo + j]) * w[wo + j];
                s1 += format.Widen(x[xo + j + 1]) * w[wo + j + 1];
                s2 += format.Widen(x[xo + j + 2]) * w[wo + j + 2];
                s3 += format.Widen(x[xo + j + 3]) * w[wo + j + 3];
            }
            float s = (s0 + s1) + (s2 + s3);
            for (; j < d; j++) s += format.Widen(x[xo + j]) * w[wo + j];
            scores[(long)row.X * k + p] = s + (hasBias != 0 ? bias[p] : 0f);
        }
    }

    /// <summary>One warp per pair of rows: the lanes stride over the columns (consecutive lanes read consecutive
    /// elements, so each warp load is one coalesced transaction), each lane keeps the panel's
    /// <paramref name="panel"/> probes for both rows in registers, so each load of w serves two rows, and a shuffle
    /// reduction sums the lanes. Writes probes <paramref name="p0"/>.. of the panel into scores[n, k]. The GPU shape.
    /// Launched with whole warps per group; every branch around a shuffle is uniform within a warp.</summary>
    public static void ProjectWarps<T, TFormat>(ArrayView<T> x, int n, int d, ArrayView<float> w, int k, int p0,
                                                SpecializedValue<int> panel, ArrayView<float> bias, int hasBias,
                                                ArrayView<float> scores)
        where T : unmanaged where TFormat : struct, IElementFormat<T>
    {
        var format = default(TFormat);
        int kp = panel.Value;
        int lane = Warp.LaneIdx, width = Warp.WarpSize;
        int pair = Grid.IdxX * (Group.DimX / width) + Warp.WarpIdx;
        int rowA = 2 * pair;
        if (rowA >= n) return;                       // whole warp leaves together
        int rowB = Math.Min(rowA + 1, n - 1);        // a lone last row is computed twice, written once
        long xa = (long)rowA * d, xb = (long)rowB * d;
        long w0 = (long)p0 * d;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        float b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
        // Two column steps per iteration: four independent loads of x in flight per lane (what keeps HBM busy), each
        // load of w used for both rows. The tail step is the only divergence, and no shuffle happens inside the loop.
        int j = lane;
        for (; j + width < d; j += 2 * width)
        {
            float va0 = format.Widen(x[xa + j]), vb0 = format.Widen(x[xb + j]);
            float va1 = format.Widen(x[xa + j + width]), vb1 = format.Widen(x[xb + j + width]);
            long wj = w0 + j;
            float u, v;
            u = w[wj]; v = w[wj + width]; a0 += va0 * u + va1 * v; b0 += vb0 * u + vb1 * v;
            if (kp > 1) { u = w[wj + d]; v = w[wj + d + width]; a1 += va0 * u + va1 * v; b1 += vb0 * u + vb1 * v; }
            if (kp > 2) { u = w[wj + 2L * d]; v = w[wj + 2L * d + width]; a2 += va0 * u + va1 * v; b2 += vb0 * u + vb1 * v; }
            if (kp > 3) { u = w[wj + 3L * d]; v = w[wj + 3L * d + width]; a3 += va0 * u + va1 * v; b3 += vb0 * u + vb1 * v; }
            if (kp > 4) { u = w[wj + 4L * d]; v = w[wj + 4L * d + width]; a4 += va0 * u + va1 * v; b4 += vb0 * u + vb1 * v; }
            if (kp > 5) { u = w[wj + 5L * d]; v = w[wj + 5L * d + width]; a5 += va0 * u + va1 * v; b5 += vb0 * u + vb1 * v; }
            if (kp > 6) { u = w[wj + 6L * d]; v = w[wj + 6L * d + width]; a6 += va0 * u + va1 * v; b6 += vb0 * u + vb1 * v; }
            if (kp > 7) { u = w[wj + 7L * d]; v = w[wj + 7L * d + width]; a7 += va0 * u + va1 * v; b7 += vb0 * u + vb1 * v; }
        }
        if (j < d)
        {
            float va = format.Widen(x[xa + j]), vb = format.Widen(x[xb + j]);
            long wj = w0 + j;
            float wv;
            wv = w[wj]; a0 += va * wv; b0 += vb * wv;
            if (kp > 1) { wv = w[wj + d]; a1 += va * wv; b1 += vb * wv; }
            if (kp > 2) { wv = w[wj + 2L * d]; a2 += va * wv; b2 += vb * wv; }
            if (kp > 3) { wv = w[wj + 3L * d]; a3 += va * wv; b3 += vb * wv; }
            if (kp > 4) { wv = w[wj + 4L * d]; a4 += va * wv; b4 += vb * wv; }
            if (kp > 5) { wv = w[wj + 5L * d]; a5 += va * wv; b5 += vb * wv; }
            if (kp > 6) { wv = w[wj + 6L * d]; a6 += va * wv; b6 += vb * wv; }
            if (kp > 7) { wv = w[wj + 7L * d]; a7 += va * wv; b7 += vb * wv; }
        }
        a0 = WarpSum(a0); b0 = WarpSum(b0);
        if (kp > 1) { a1 = WarpSum(a1); b1 = WarpSum(b1); }
        if (kp > 2) { a2 = WarpSum(a2); b2 = WarpSum(b2); }
        if (kp > 3) { a3 = WarpSum(a3); b3 = WarpSum(b3); }
        if (kp > 4) { a4 = WarpSum(a4); b4 = WarpSum(b4); }
        if (kp > 5) { a5 = WarpSum(a5); b5 = WarpSum(b5); }
        if (kp > 6) { a6 = WarpSum(a6); b6 = WarpSum(b6); }
        if (kp > 7) { a7 = WarpSum(a7); b7 = WarpSum(b7); }
        if (lane != 0) return;
        bool second = rowB != rowA;
        long sa = (long)rowA * k + p0, sb = (long)rowB * k + p0;
        Store(scores, sa, sb, second, 0, a0, b0, bias, p0, hasBias);
        if (kp > 1) Store(scores, sa, sb, second, 1, a1, b1, bias, p0, hasBias);
        if (kp > 2) Store(scores, sa, sb, second, 2, a2, b2, bias, p0, hasBias);
        if (kp > 3) Store(scores, sa, sb, second, 3, a3, b3, bias, p0, hasBias);
        if (kp > 4) Store(scores, sa, sb, second, 4, a4, b4, bias, p0, hasBias);
        if (kp > 5) Store(scores, sa, sb, second, 5, a5, b5, bias, p0, hasBias);
        if (kp > 6) Store(scores, sa, sb, second, 6, a6, b6, bias, p0, hasBias);
        if (kp > 7) Store(scores, sa, sb, second, 7, a7, b7, bias, p0, hasBias);
    }

    private static void Store(ArrayView<float> scores, long sa, long sb, bool second, int p, float a, float b,
                              ArrayView<float> bias, int p0, int hasBias)
    {
        float add = hasBias != 0 ? bias[p0 + p] : 0f;
        scores[sa + p] = a + add;
        if (second) scores[sb + p] = b + add;
    }

    /// <summary>The sum over the warp's lanes (valid in lane 0), by ILGPU.Algorithms' shuffle reduction.</summary>
    private static float WarpSum(float value) => WarpExtensions.Reduce<float, AddFloat>(value);

    /// <summary>norms[i] = |x_i|^2 (cosine top-k).</summary>
    public static void RowSquaredNorms(Index1D row, ArrayView<float> x, int d, ArrayView<float> norms)
    {
        long xo = (long)row.X * d;
        float s = 0;
        for (int j = 0; j < d; j++) { float v = x[xo + j]; s += v * v; }
        norms[row] = s;
    }

    // ---- logistic regression: per-sample terms ----

    /// <summary>For z = x w (the projection kernel) plus intercept b: loss[i] = log(1 + exp(z)) - y z in its
    /// overflow-free form, r[i] = sigmoid(z) - y (the gradient weight). As the CPU pass computes them: z + b in float32,
    /// then the terms in float64 (near the optimum L-BFGS compares losses ~1e-9 apart; float32 terms cost it extra
    /// evaluations); r is stored as float32 for X^T r, as there.</summary>
    public static void LogisticResidual(Index1D i, ArrayView<float> z, ArrayView<float> y, float b,
                                        ArrayView<float> r, ArrayView<double> loss)
    {
        double zi = z[i] + b, yi = y[i];
        double e = Math.Exp(-Math.Abs(zi));
        double onePlusE = 1 + e;
        loss[i] = Math.Max(zi, 0) + Math.Log(onePlusE) - yi * zi;
        double sigmoid = zi >= 0 ? 1 / onePlusE : e / onePlusE;
        r[i] = (float)(sigmoid - yi);
    }

    // ---- column reductions ----

    /// <summary>partial[s, j] = sum over the rows i of slice s of x[i, j] r[i]. With r = 1 these are column sums (means);
    /// with r = sigmoid(z) - y the logistic gradient X^T r. Thread t = s d + j: consecutive threads read consecutive
    /// columns of a row (coalesced on GPUs); slicing the rows gives a GPU enough threads when d is a few thousand.
    /// Four rows per step keep four independent loads in flight.</summary>
    public static void XtVectorPartial<T, TFormat>(Index1D t, ArrayView<T> x, int n, int d, ArrayView<float> r,
                                                   int rowsPerSlice, ArrayView<float> partial)
        where T : unmanaged where TFormat : struct, IElementFormat<T>
    {
        var format = default(TFormat);
        int j = t.X % d, s = t.X / d;
        int r0 = s * rowsPerSlice, r1 = Math.Min(n, r0 + rowsPerSlice);
        float acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
        int i = r0;
        for (; i + 4 <= r1; i += 4)
        {
            acc0 += format.Widen(x[(long)i * d + j]) * r[i];
            acc1 += format.Widen(x[(long)(i + 1) * d + j]) * r[i + 1];
            acc2 += format.Widen(x[(long)(i + 2) * d + j]) * r[i + 2];
            acc3 += format.Widen(x[(long)(i + 3) * d + j]) * r[i + 3];
        }
        float acc = (acc0 + acc1) + (acc2 + acc3);
        for (; i < r1; i++) acc += format.Widen(x[(long)i * d + j]) * r[i];
        partial[t] = acc;
    }

    /// <summary>g[i, j] = sum_r (x[r, i] - mean[i]) (x[r, j] - mean[j]) for i &lt;= j, one thread per entry of the upper
    /// triangle (t enumerates i * d + j; threads below the diagonal return). The CPU shape: no barriers.</summary>
    public static void GramEntries(Index1D t, ArrayView<float> x, int n, int d, ArrayView<float> mean, ArrayView<float> g)
    {
        int i = t.X / d, j = t.X % d;
        if (i > j) return;
        float mi = mean[i], mj = mean[j];
        float acc0 = 0, acc1 = 0;
        int r = 0;
        for (; r + 2 <= n; r += 2)
        {
            long o0 = (long)r * d, o1 = o0 + d;
            acc0 += (x[o0 + i] - mi) * (x[o0 + j] - mj);
            acc1 += (x[o1 + i] - mi) * (x[o1 + j] - mj);
        }
        float acc = acc0 + acc1;
        for (; r < n; r++) { long o = (long)r * d; acc += (x[o + i] - mi) * (x[o + j] - mj); }
        g[(long)i * d + j] = acc;
    }

    /// <summary>The same upper triangle in tiles of ts x ts entries per group (group size ts * ts): each chunk of
    /// <see cref="GramChunkRows"/> rows of the tile's two column strips is centred once into shared memory, then every
    /// thread reads its pair of columns from there. Group g is tile (g / tiles, g % tiles); groups below the diagonal
    /// return as a whole, so no barrier is skipped by part of a group. The GPU shape.</summary>
    public static void GramTiles(ArrayView<float> x, int n, int d, ArrayView<float> mean, ArrayView<float> g, int tiles, int ts)
    {
        int tileI = Grid.IdxX / tiles, tileJ = Grid.IdxX % tiles;
        if (tileI > tileJ) return;
        var shared = SharedMemory.GetDynamic<float>();
        var stripI = shared.SubView(0, GramChunkRows * ts);
        var stripJ = shared.SubView(GramChunkRows * ts, GramChunkRows * ts);
        int tid = Group.IdxX, tx = tid % ts, ty = tid / ts;
        int ci = tileI * ts + tx, cj = tileJ * ts + tx;
        float mi = ci < d ? mean[ci] : 0f, mj = cj < d ? mean[cj] : 0f;
        float acc = 0f;
        for (int c0 = 0; c0 < n; c0 += GramChunkRows)
        {
            // Thread (tx, ty) loads rows ty, ty + ts, ... of columns ci and cj (zero outside x).
            for (int rr = ty; rr < GramChunkRows; rr += ts)
            {
                int r = c0 + rr;
                long o = (long)r * d;
                stripI[rr * ts + tx] = r < n && ci < d ? x[o + ci] - mi : 0f;
                stripJ[rr * ts + tx] = r < n && cj < d ? x[o + cj] - mj : 0f;
            }
            Group.Barrier();
            for (int rr = 0; rr < GramChunkRows; rr++) acc += stripI[rr * ts + ty] * stripJ[rr * ts + tx];
            Group.Barrier();
        }
        int i = tileI * ts + ty, j = tileJ * ts + tx;
        if (i < d && j < d) g[(long)i * d + j] = acc;
    }
}
