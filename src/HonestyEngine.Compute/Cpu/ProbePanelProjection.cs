using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Cpu;

/// <summary>Probe scoring for two or more probes: scores[n, k] = x[n, d] w[k, d]^T + bias, three rows of x at a time
/// against panels of eight probes (24 accumulators; per 16 columns, 3 loads of x and 8 of w for 24 FMAs). Each row is
/// read from memory once; every panel after the first reuses it from L1.
/// <para>w is first copied into panels: for each 16 columns, the eight probes' vectors side by side. The loop then
/// walks one contiguous, aligned stream of w with constant offsets (no per-probe address arithmetic, and no 4 KB
/// aliasing between probe vectors d = 1024 floats apart, which the kernel's earlier padded copy of w worked around).
/// The copy lives in native memory: a pinned managed array per call cost ~100 us, more than scoring 100 rows.</para></summary>
internal static unsafe class ProbePanelProjection
{
    private const int PanelWidth = 8;
    /// <summary>Bytes of x per task, at most: a task's rows fit in the 1 MB L2. The column blocks visit each row in
    /// 2 KB pieces, one block after another, and what the hardware prefetcher fetched past a piece is then still in L2
    /// when the next block reaches it. At d = 4096, 48-row tasks read 46.6-48.4 GB/s against 41.5-45.9 for 768 rows
    /// (alternating runs); at d = 1024, 192 rows read the same as 768. 64-row tasks at d = 1024, when the kernel read
    /// whole rows, were ~10% slower than 768 (each starts cold).</summary>
    private const int MaxTaskBytes = 768 * 1024;
    /// <summary>Rows ahead whose lines the first panel prefetches: the next triple. Without it the pass read 28 GB/s
    /// instead of 40-50; two or three triples ahead, or prefetching to L2 only, measured the same.</summary>
    private const int PrefetchRowsAhead = 3;

    /// <summary>Two or more probes over rows whose length is a multiple of 16, with AVX-512 (the reduction's shuffles).
    /// One probe reads x at the bandwidth already with four rows per load of w (<see cref="CpuProjection"/>); from two
    /// to seven, a zero-padded panel reads 0.97-1.0 of it where the four-row tiles read 0.63-0.82, because the pass is
    /// bound by memory and the padding's FMAs are free.</summary>
    public static bool Applies(int k, int d) => Avx512F.IsSupported && k >= 2 && d % 16 == 0;

    public static void Run(float* x, int n, int d, float* w, int k, float* bias, float* scores, int threads)
    {
        int panels = (k + PanelWidth - 1) / PanelWidth;
        float* packed = (float*)NativeMemory.AlignedAlloc((nuint)((long)panels * PanelWidth * d * sizeof(float)), 64);
        try
        {
            Pack(w, d, k, panels, packed);
            // Tasks are a multiple of 3 rows, at most MaxTaskBytes of x and at least 4 per thread.
            int maxRows = Math.Clamp(MaxTaskBytes / (d * sizeof(float)) / 3 * 3, 12, 768);
            int rowsPerTask = Math.Clamp((n / (threads * 4) + 2) / 3 * 3, Math.Min(48, maxRows), maxRows);
            int tasks = (n + rowsPerTask - 1) / rowsPerTask;
            nint px = (nint)x, pw = (nint)w, pp = (nint)packed, pb = (nint)bias, ps = (nint)scores;
            Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int r0 = t * rowsPerTask, r1 = Math.Min(n, r0 + rowsPerTask);
                RunRows((float*)px, r0, r1, d, (float*)pw, (float*)pp, k, (float*)pb, (float*)ps);
            });
        }
        finally { NativeMemory.AlignedFree(packed); }
    }

    /// <summary>Panel q, columns [16 s, 16 s + 16): probe 8 q + i's values at packed + 8 d q + 128 s + 16 i; the last
    /// panel's missing probes are zeros (their scores are computed and never stored).</summary>
    private static void Pack(float* w, int d, int k, int panels, float* packed)
    {
        for (int q = 0; q < panels; q++)
            for (int s = 0; s < d / 16; s++)
                for (int i = 0; i < PanelWidth; i++)
                {
                    int p = q * PanelWidth + i;
                    var v = p < k ? Vector512.Load(w + (long)p * d + s * 16) : Vector512<float>.Zero;
                    v.StoreAligned(packed + (long)q * PanelWidth * d + s * 128 + i * 16);
                }
    }

    /// <summary>Rows [r0, r1) on one thread, in column blocks whose slices of every panel stay in L1 together with a
    /// row triple's slice (at d = 4096 a whole panel is 128 KB, and re-reading it from L2 for every triple held the pass
    /// at 0.57 of the read bandwidth). Each block's partial sums are added to the scores the first block wrote. Rows
    /// past the last full triple take plain dot products over the whole row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows(float* x, int r0, int r1, int d, float* w, float* packed, int k, float* bias, float* scores)
    {
        int panels = (k + PanelWidth - 1) / PanelWidth, blockColumns = BlockColumns(d, panels);
        int tripleEnd = r0 + (r1 - r0) / 3 * 3;
        for (int c0 = 0; c0 < d; c0 += blockColumns)
        {
            int columns = Math.Min(blockColumns, d - c0);
            bool accumulate = c0 > 0;
            for (int r = r0; r < tripleEnd; r += 3)
            {
                float* x0 = x + (long)r * d + c0;
                float* next = r + 3 + PrefetchRowsAhead <= r1 ? x0 + (long)PrefetchRowsAhead * d : null;
                for (int q = 0; q < panels; q++, next = null)
                {
                    int p = q * PanelWidth;
                    var kernel = new Tile
                    {
                        X0 = x0, Panel = packed + (long)p * d + (long)c0 * PanelWidth, Bias = bias == null ? null : bias + p,
                        Out0 = scores + (long)r * k + p, Next = next, D = d, Columns = columns, K = k, Probes = Math.Min(PanelWidth, k - p),
                        Accumulate = accumulate,
                    };
                    LaneShifts.Dispatch<Tile, bool>(ref kernel, x0);
                }
            }
        }
        for (int r = tripleEnd; r < r1; r++)
            for (int p = 0; p < k; p++)
                scores[(long)r * k + p] = CpuProjection.Dot(x + (long)r * d, w + (long)p * d, d) + (bias == null ? 0f : bias[p]);
    }

    /// <summary>Columns per block (a multiple of 16). One panel: 512 columns, a 16 KB slice, leaving L1 room for the
    /// rows streaming through (at d = 4096, 512-column blocks read 0.85-0.98 of the bandwidth against 0.63 for 1280; at
    /// d = 1024, 0.94-0.97 against 0.77-0.79 for the whole row). Several panels: all their slices plus the row triple's
    /// (12 bytes per column), which every panel re-reads, within 40 KB of the 48 KB L1.</summary>
    private static int BlockColumns(int d, int panels)
    {
        if (panels == 1) return Math.Min(d, 512);
        int bytesPerColumn = panels * PanelWidth * sizeof(float) + 3 * sizeof(float);
        return Math.Min(d, Math.Max(64, 40 * 1024 / bytesPerColumn / 16 * 16));
    }

    /// <summary>The three rows start at the same offset from a cache line (d is a multiple of 16), so x is read with
    /// aligned loads recombined by <c>valignd</c> (<see cref="AlignedStream{TShift}"/>): the vectors of unaligned
    /// loads, lane for lane, so scores do not depend on where the array lies.</summary>
    private struct Tile : IShiftedKernel<bool>
    {
        public float* X0, Panel, Bias, Out0, Next;
        public int D, Columns, K, Probes;
        public bool Accumulate;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool Run<TShift>() where TShift : struct, ILaneShift
        {
            var scores = Dot3x8<TShift>(X0, D, Columns, Panel, Next);
            Store(scores, Bias, Out0, K, Probes, Accumulate);
            return true;
        }
    }

    /// <summary>Three rows (d apart) x eight probes over <paramref name="columns"/> columns (a multiple of 16): the
    /// rows' eight sums each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Vector256<float>, Vector256<float>, Vector256<float>) Dot3x8<TShift>(float* x0, int d, int columns, float* panel, float* next) where TShift : struct, ILaneShift
    {
        float* x1 = x0 + d, x2 = x1 + d;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        Vector512<uint> p0 = default, p1 = default, p2 = default;
        uint* l0 = null, l1 = null, l2 = null;
        if (aligned)
        {
            l0 = AlignedStream<TShift>.Start((byte*)x0, out p0);
            l1 = AlignedStream<TShift>.Start((byte*)x1, out p1);
            l2 = AlignedStream<TShift>.Start((byte*)x2, out p2);
        }
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a16 = default, a17 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a26 = default, a27 = default;
        long ld = d;
        float* wj = panel;
        for (int j = 0; j < columns; j += 16, wj += 16 * PanelWidth)
        {
            if (next != null) { Sse.Prefetch0(next + j); Sse.Prefetch0(next + ld + j); Sse.Prefetch0(next + 2 * ld + j); }
            Vector512<float> r0, r1, r2;
            if (aligned)
            {
                r0 = AlignedStream<TShift>.Next(l0 + j, ref p0).AsSingle();
                r1 = AlignedStream<TShift>.Next(l1 + j, ref p1).AsSingle();
                r2 = AlignedStream<TShift>.Next(l2 + j, ref p2).AsSingle();
            }
            else { r0 = Vector512.Load(x0 + j); r1 = Vector512.Load(x1 + j); r2 = Vector512.Load(x2 + j); }
            var v = Vector512.LoadAligned(wj);
            a00 = Vector512.FusedMultiplyAdd(r0, v, a00); a10 = Vector512.FusedMultiplyAdd(r1, v, a10); a20 = Vector512.FusedMultiplyAdd(r2, v, a20);
            v = Vector512.LoadAligned(wj + 16);
            a01 = Vector512.FusedMultiplyAdd(r0, v, a01); a11 = Vector512.FusedMultiplyAdd(r1, v, a11); a21 = Vector512.FusedMultiplyAdd(r2, v, a21);
            v = Vector512.LoadAligned(wj + 32);
            a02 = Vector512.FusedMultiplyAdd(r0, v, a02); a12 = Vector512.FusedMultiplyAdd(r1, v, a12); a22 = Vector512.FusedMultiplyAdd(r2, v, a22);
            v = Vector512.LoadAligned(wj + 48);
            a03 = Vector512.FusedMultiplyAdd(r0, v, a03); a13 = Vector512.FusedMultiplyAdd(r1, v, a13); a23 = Vector512.FusedMultiplyAdd(r2, v, a23);
            v = Vector512.LoadAligned(wj + 64);
            a04 = Vector512.FusedMultiplyAdd(r0, v, a04); a14 = Vector512.FusedMultiplyAdd(r1, v, a14); a24 = Vector512.FusedMultiplyAdd(r2, v, a24);
            v = Vector512.LoadAligned(wj + 80);
            a05 = Vector512.FusedMultiplyAdd(r0, v, a05); a15 = Vector512.FusedMultiplyAdd(r1, v, a15); a25 = Vector512.FusedMultiplyAdd(r2, v, a25);
            v = Vector512.LoadAligned(wj + 96);
            a06 = Vector512.FusedMultiplyAdd(r0, v, a06); a16 = Vector512.FusedMultiplyAdd(r1, v, a16); a26 = Vector512.FusedMultiplyAdd(r2, v, a26);
            v = Vector512.LoadAligned(wj + 112);
            a07 = Vector512.FusedMultiplyAdd(r0, v, a07); a17 = Vector512.FusedMultiplyAdd(r1, v, a17); a27 = Vector512.FusedMultiplyAdd(r2, v, a27);
        }
        return (HorizontalSums.Sum8(a00, a01, a02, a03, a04, a05, a06, a07),
                HorizontalSums.Sum8(a10, a11, a12, a13, a14, a15, a16, a17),
                HorizontalSums.Sum8(a20, a21, a22, a23, a24, a25, a26, a27));
    }

    /// <summary>The three rows' scores for the panel's probes: bias plus the first block's sums, or the running scores
    /// plus a later block's. A last panel of fewer than eight probes loads and stores only those lanes (the scores of
    /// the next probes, or past the array's end, lie beyond them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store((Vector256<float> R0, Vector256<float> R1, Vector256<float> R2) sums, float* bias, float* out0, int k, int probes, bool accumulate)
    {
        float* o1 = out0 + k, o2 = o1 + k;
        if (probes == PanelWidth)
        {
            var b = accumulate || bias == null ? Vector256<float>.Zero : Vector256.Load(bias);
            (sums.R0 + (accumulate ? Vector256.Load(out0) : b)).Store(out0);
            (sums.R1 + (accumulate ? Vector256.Load(o1) : b)).Store(o1);
            (sums.R2 + (accumulate ? Vector256.Load(o2) : b)).Store(o2);
            return;
        }
        var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(probes)).AsSingle();
        var bm = accumulate || bias == null ? Vector256<float>.Zero : Avx.MaskLoad(bias, mask);
        Avx.MaskStore(out0, mask, sums.R0 + (accumulate ? Avx.MaskLoad(out0, mask) : bm));
        Avx.MaskStore(o1, mask, sums.R1 + (accumulate ? Avx.MaskLoad(o1, mask) : bm));
        Avx.MaskStore(o2, mask, sums.R2 + (accumulate ? Avx.MaskLoad(o2, mask) : bm));
    }
}
