using System.Runtime.Intrinsics;
using HonestyEngine.Compute.Cpu;

namespace HonestyEngine.Compute.Logistic;

/// <summary>Loss and gradient in one pass over x: each task takes a block of rows, computes z = x w + b
/// while the block is hot in cache, then immediately adds sum_i r_i x_i (r = sigmoid(z) - y) into its own
/// gradient. Reading x once per evaluation (instead of once for x w and once for x^T r) halves the memory
/// traffic, which is what bounds this loop. Chunks are fixed, so results are deterministic.</summary>
internal sealed unsafe class CpuLogisticLoss : ILogisticLoss
{
    private const int RowsPerBlock = 32;
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

    private void RunChunk(int c, float bias)
    {
        long r0 = (long)_n * c / _chunks, r1 = (long)_n * (c + 1) / _chunks;
        var grad = _chunkGrad[c];
        var block = _blockGrad[c];
        Array.Clear(grad);
        double loss = 0, gb = 0;
        Span<float> residual = stackalloc float[RowsPerBlock];
        fixed (float* w = _w)
        fixed (float* acc = block)
        {
            for (long start = r0; start < r1; start += RowsPerBlock)
            {
                int rows = (int)Math.Min(RowsPerBlock, r1 - start);
                for (int t = 0; t < rows; t++)
                {
                    double z = CpuProjection.Dot(_x + (start + t) * _d, w, _d) + bias;
                    double y = _y[start + t];
                    loss += LogisticMath.Loss(z, y);
                    double r = LogisticMath.Sigmoid(z) - y;
                    residual[t] = (float)r;
                    gb += r;
                }
                new Span<float>(acc, _d).Clear();
                for (int t = 0; t < rows; t++)
                    Axpy(residual[t], _x + (start + t) * _d, acc, _d);
                for (int i = 0; i < _d; i++) grad[i] += acc[i];
            }
        }
        _chunkLoss[c] = loss;
        _chunkGradB[c] = gb;
    }

    private static void Axpy(float a, float* x, float* y, int d)
    {
        var av = Vector512.Create(a);
        int j = 0;
        for (; j + 16 <= d; j += 16)
            Vector512.FusedMultiplyAdd(av, Vector512.Load(x + j), Vector512.Load(y + j)).Store(y + j);
        for (; j < d; j++) y[j] += a * x[j];
    }
}
