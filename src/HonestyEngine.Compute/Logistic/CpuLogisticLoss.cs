using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Compute.Logistic;

/// <summary>Loss and gradient in one pass over x: each task takes a block of rows, computes z = x w + b
/// while the block is hot in cache, then immediately adds sum_i r_i x_i (r = sigmoid(z) - y) into its own
/// gradient. Reading x once per evaluation (instead of once for x w and once for x^T r) halves the memory
/// traffic, which is what bounds this loop. Chunks are fixed, so results are deterministic.</summary>
internal sealed unsafe class CpuLogisticLoss : ILogisticLoss
{
    private const int RowsPerBlock = 64;
    private readonly float* _x, _y;
    private readonly int _n, _d, _threads, _chunks;
    private readonly float[] _w;
    private readonly double[][] _chunkGrad;
    private readonly float[][] _blockGrad;
    private readonly double[] _chunkLoss, _chunkGradB;

    /// <param name="x">[n, d], pinned by the caller for the lifetime of this object.</param>
    public CpuLogisticLoss(float* x, float* y, int n, int d, int threads)
    {
        _x = x; _y = y; _n = n; _d = d; _threads = threads;
        _chunks = Math.Max(1, Math.Min(threads * 4, (n + RowsPerBlock - 1) / RowsPerBlock));
        _w = new float[d];
        _chunkGrad = new double[_chunks][];
        _blockGrad = new float[_chunks][];
        for (int c = 0; c < _chunks; c++) { _chunkGrad[c] = new double[d]; _blockGrad[c] = new float[d]; }
        _chunkLoss = new double[_chunks];
        _chunkGradB = new double[_chunks];
    }

    public int Dimension => _d;

    public double Evaluate(ReadOnlySpan<double> w, double b, Span<double> gradW, out double gradB)
    {
        for (int i = 0; i < _d; i++) _w[i] = (float)w[i];
        float bias = (float)b;
        Parallel.For(0, _chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c => RunChunk(c, bias));
        double loss = 0, gb = 0;
        gradW.Clear();
        for (int c = 0; c < _chunks; c++)
        {
            loss += _chunkLoss[c]; gb += _chunkGradB[c];
            var cg = _chunkGrad[c];
            for (int i = 0; i < _d; i++) gradW[i] += cg[i];
        }
        double invN = 1.0 / _n;
        for (int i = 0; i < _d; i++) gradW[i] *= invN;
        gradB = gb * invN;
        return loss * invN;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChunk(int c, float bias)
    {
        long r0 = (long)_n * c / _chunks, r1 = (long)_n * (c + 1) / _chunks;
        var grad = _chunkGrad[c];
        var block = _blockGrad[c];
        Array.Clear(grad);
        double loss = 0, gb = 0;
        // Rows per block so the block (rows x d floats) stays in L2 between the two phases.
        int blockRows = Math.Clamp(65536 / _d, 8, 64);
        float* residual = stackalloc float[64];
        fixed (float* w = _w)
        fixed (float* acc = block)
        {
            for (long start = r0; start < r1; start += blockRows)
            {
                int rows = (int)Math.Min(blockRows, r1 - start);
                float* xb = _x + start * _d;
                // Phase 1: z, loss and residual per row (x streamed from memory).
                for (int t = 0; t < rows; t++)
                {
                    double z = Dot4Accumulators(xb + (long)t * _d, w, _d) + bias;
                    double y = _y[start + t];
                    loss += LogisticMath.Loss(z, y);
                    double r = LogisticMath.Sigmoid(z) - y;
                    gb += r;
                    residual[t] = (float)r;
                }
                // Phase 2: acc = x_block^T r_block from L2, 64 columns at a time in registers.
                TransposeTimesVector(xb, rows, _d, residual, acc);
                // float partial sums over a short block, double across blocks.
                for (int j = 0; j < _d; j++) grad[j] += acc[j];
            }
        }
        _chunkLoss[c] = loss;
        _chunkGradB[c] = gb;
    }

    /// <summary>acc[d] = sum_t r[t] x[t, :] for a block of rows, keeping a 64-column tile of acc in four
    /// registers across the rows: one load and one FMA per element, no read-modify-write of acc per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeTimesVector(float* x, int rows, int d, float* r, float* acc)
    {
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* col = x + j;
            for (int t = 0; t < rows; t++, col += d)
            {
                var rv = Vector512.Create(r[t]);
                a0 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col), a0);
                a1 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(rv, Vector512.Load(col + 48), a3);
            }
            a0.Store(acc + j); a1.Store(acc + j + 16); a2.Store(acc + j + 32); a3.Store(acc + j + 48);
        }
        for (; j < d; j++)
        {
            float s = 0;
            for (int t = 0; t < rows; t++) s += r[t] * x[(long)t * d + j];
            acc[j] = s;
        }
    }

    /// <summary>Dot product with four independent accumulators: shorter float32 rounding chains than the
    /// projection kernel's, because near the optimum the solver compares losses that differ by ~1e-9.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot4Accumulators(float* a, float* b, int d)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int j = 0;
        for (; j + 64 <= d; j += 64)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 16), Vector512.Load(b + j + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 32), Vector512.Load(b + j + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 48), Vector512.Load(b + j + 48), s3);
        }
        for (; j + 16 <= d; j += 16)
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), s0);
        float s = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; j < d; j++) s += a[j] * b[j];
        return s;
    }

}
