using System.Runtime.CompilerServices;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Cpu;

/// <summary>Top-k rows of a [v, d] matrix by dot product or cosine with each query. The vocabulary is
/// split into chunks across threads; each chunk streams its rows once and scores them against every
/// query, keeping a per-(chunk, query) heap; the host merges the chunk heaps.</summary>
internal static unsafe class CpuTopK
{
    public static void Run(float* queries, int q, int d, float* matrix, int v, int k, bool cosine,
                           Span<int> indices, Span<float> values, int threads)
    {
        int chunks = Math.Max(1, Math.Min(threads * 8, (v + 1023) / 1024));
        var queryNorms = new float[q];
        for (int i = 0; i < q; i++) queryNorms[i] = MathF.Sqrt(CpuProjection.Dot(queries + (long)i * d, queries + (long)i * d, d));
        var heapValues = new float[chunks * q * k];
        var heapIndices = new int[chunks * q * k];
        var heapCounts = new int[chunks * q];
        var failure = new Exception?[chunks];
        nint pq = (nint)queries, pm = (nint)matrix;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int v0 = (int)((long)v * c / chunks), v1 = (int)((long)v * (c + 1) / chunks);
            failure[c] = ScanChunk((float*)pq, q, d, (float*)pm, v0, v1, k, cosine, queryNorms,
                heapValues.AsSpan(c * q * k, q * k), heapIndices.AsSpan(c * q * k, q * k), heapCounts.AsSpan(c * q, q));
        });
        foreach (var f in failure) if (f is not null) throw f;

        for (int i = 0; i < q; i++)
        {
            var heap = new TopKHeap(values.Slice(i * k, k), indices.Slice(i * k, k));
            for (int c = 0; c < chunks; c++)
            {
                int baseIdx = (c * q + i) * k, count = heapCounts[c * q + i];
                for (int t = 0; t < count; t++) heap.Offer(heapValues[baseIdx + t], heapIndices[baseIdx + t]);
            }
            heap.SortDescending();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Exception? ScanChunk(float* queries, int q, int d, float* matrix, int v0, int v1, int k, bool cosine,
                                        float[] queryNorms, Span<float> heapValues, Span<int> heapIndices, Span<int> counts)
    {
        Span<float> scores = q <= 256 ? stackalloc float[q] : new float[q];
        // One heap per query lives in its own slice; TopKHeap is a ref struct, so rebuild it per offer
        // from the slice and the stored count.
        for (int row = v0; row < v1; row++)
        {
            float* m = matrix + (long)row * d;
            float norm = cosine ? MathF.Sqrt(CpuProjection.Dot(m, m, d)) : 1f;
            for (int i = 0; i < q; i++)
            {
                float s = CpuProjection.Dot(queries + (long)i * d, m, d);
                if (cosine) s = norm == 0 || queryNorms[i] == 0 ? 0 : s / (norm * queryNorms[i]);
                if (!float.IsFinite(s))
                {
                    int col = Finite.FirstNonFinite(new ReadOnlySpan<float>(m, d));
                    return col >= 0
                        ? Finite.Error("matrix", row, col, m[col])
                        : new HonestyEngine.Abstractions.MethodInputException($"Similarity of query {i} with matrix row {row} overflowed float32.");
                }
                scores[i] = s;
            }
            for (int i = 0; i < q; i++)
            {
                var heap = HeapAt(heapValues, heapIndices, counts, i, k);
                heap.Offer(scores[i], row);
                counts[i] = heap.Count;
            }
        }
        return null;
    }

    private static TopKHeap HeapAt(Span<float> values, Span<int> indices, Span<int> counts, int i, int k)
    {
        var heap = new TopKHeap(values.Slice(i * k, k), indices.Slice(i * k, k));
        heap.Restore(counts[i]);
        return heap;
    }
}
