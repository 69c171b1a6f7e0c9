using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Cpu;

/// <summary>scores[n, k] = x[n, d] w[k, d]^T + bias: the memory-bound kernel behind probe scoring.
/// Two or more probes over rows of a multiple of 16 columns go to <see cref="ProbePanelProjection"/>. Here: one probe
/// (four rows share each load of its vector, so the loop is limited by reading x once from memory), and any row length
/// or machine without AVX-512 (4 x 6 and 4 x 4 register tiles); rows are split into blocks across threads.</summary>
internal static unsafe class CpuProjection
{
    private const int RowsPerTask = 64;

    public static void Run(float* x, int n, int d, float* w, int k, float* bias, float* scores, int threads)
    {
        if (ProbePanelProjection.Applies(k, d)) { ProbePanelProjection.Run(x, n, d, w, k, bias, scores, threads); return; }
        int tasks = (n + RowsPerTask - 1) / RowsPerTask;
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, ps = (nint)scores;
        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int r0 = t * RowsPerTask, r1 = Math.Min(n, r0 + RowsPerTask);
            RunRows((float*)px, r0, r1, d, (float*)pw, k, (float*)pb, (float*)ps);
        });
    }

    /// <summary>Single-threaded body over rows [r0, r1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunRows(float* x, int r0, int r1, int d, float* w, int k, float* bias, float* scores)
    {
        int r = r0;
        for (; r + 4 <= r1; r += 4)
        {
            float* x0 = x + (long)r * d;
            // The first probe block pulls these rows from memory; later blocks reuse them from cache while the
            // memory bus would sit idle, so the first block prefetches the next rows in its place.
            float* next = r + 8 <= r1 ? x0 + 4L * d : null;
            int p = 0;
            for (; p + 6 <= k && k - p != 8; p += 6, next = null)
                Dot4x6(x0, d, w + (long)p * d, bias == null ? null : bias + p, scores + (long)r * k + p, k, next);
            for (; p + 4 <= k; p += 4, next = null)
                Dot4x4(x0, d, w + (long)p * d, bias == null ? null : bias + p, scores + (long)r * k + p, k, next);
            for (; p < k; p++)
            {
                Dot4(x0, d, w + (long)p * d, out float s0, out float s1, out float s2, out float s3);
                float b = bias == null ? 0f : bias[p];
                scores[(long)r * k + p] = s0 + b;
                scores[(long)(r + 1) * k + p] = s1 + b;
                scores[(long)(r + 2) * k + p] = s2 + b;
                scores[(long)(r + 3) * k + p] = s3 + b;
            }
        }
        for (; r < r1; r++)
        {
            float* xr = x + (long)r * d;
            for (int p = 0; p < k; p++)
                scores[(long)r * k + p] = Dot(xr, w + (long)p * d, d) + (bias == null ? 0f : bias[p]);
        }
    }

    /// <summary>Four rows x six probes: 24 accumulators (of 32 zmm registers), 10 loads per 24 FMAs, so with
    /// many probes the loop is limited by FMA throughput rather than by loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4x6(float* x0, int d, float* w0, float* bias, float* out0, int k, float* next)
    {
        float* x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
        float* w1 = w0 + d, w2 = w1 + d, w3 = w2 + d, w4 = w3 + d, w5 = w4 + d;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a30 = default, a31 = default, a32 = default, a33 = default, a34 = default, a35 = default;
        int j = 0;
        for (; j + 16 <= d; j += 16)
        {
            if (Sse.IsSupported && next != null)
            {
                Sse.Prefetch0(next + j); Sse.Prefetch0(next + d + j);
                Sse.Prefetch0(next + 2L * d + j); Sse.Prefetch0(next + 3L * d + j);
            }
            var v0 = Vector512.Load(w0 + j); var v1 = Vector512.Load(w1 + j); var v2 = Vector512.Load(w2 + j);
            var v3 = Vector512.Load(w3 + j); var v4 = Vector512.Load(w4 + j); var v5 = Vector512.Load(w5 + j);
            var r = Vector512.Load(x0 + j);
            a00 = Vector512.FusedMultiplyAdd(r, v0, a00); a01 = Vector512.FusedMultiplyAdd(r, v1, a01); a02 = Vector512.FusedMultiplyAdd(r, v2, a02); a03 = Vector512.FusedMultiplyAdd(r, v3, a03); a04 = Vector512.FusedMultiplyAdd(r, v4, a04); a05 = Vector512.FusedMultiplyAdd(r, v5, a05);
            r = Vector512.Load(x1 + j);
            a10 = Vector512.FusedMultiplyAdd(r, v0, a10); a11 = Vector512.FusedMultiplyAdd(r, v1, a11); a12 = Vector512.FusedMultiplyAdd(r, v2, a12); a13 = Vector512.FusedMultiplyAdd(r, v3, a13); a14 = Vector512.FusedMultiplyAdd(r, v4, a14); a15 = Vector512.FusedMultiplyAdd(r, v5, a15);
            r = Vector512.Load(x2 + j);
            a20 = Vector512.FusedMultiplyAdd(r, v0, a20); a21 = Vector512.FusedMultiplyAdd(r, v1, a21); a22 = Vector512.FusedMultiplyAdd(r, v2, a22); a23 = Vector512.FusedMultiplyAdd(r, v3, a23); a24 = Vector512.FusedMultiplyAdd(r, v4, a24); a25 = Vector512.FusedMultiplyAdd(r, v5, a25);
            r = Vector512.Load(x3 + j);
            a30 = Vector512.FusedMultiplyAdd(r, v0, a30); a31 = Vector512.FusedMultiplyAdd(r, v1, a31); a32 = Vector512.FusedMultiplyAdd(r, v2, a32); a33 = Vector512.FusedMultiplyAdd(r, v3, a33); a34 = Vector512.FusedMultiplyAdd(r, v4, a34); a35 = Vector512.FusedMultiplyAdd(r, v5, a35);
        }
        Span<float> s = stackalloc float[24];
        s[0] = Vector512.Sum(a00); s[1] = Vector512.Sum(a01); s[2] = Vector512.Sum(a02); s[3] = Vector512.Sum(a03); s[4] = Vector512.Sum(a04); s[5] = Vector512.Sum(a05);
        s[6] = Vector512.Sum(a10); s[7] = Vector512.Sum(a11); s[8] = Vector512.Sum(a12); s[9] = Vector512.Sum(a13); s[10] = Vector512.Sum(a14); s[11] = Vector512.Sum(a15);
        s[12] = Vector512.Sum(a20); s[13] = Vector512.Sum(a21); s[14] = Vector512.Sum(a22); s[15] = Vector512.Sum(a23); s[16] = Vector512.Sum(a24); s[17] = Vector512.Sum(a25);
        s[18] = Vector512.Sum(a30); s[19] = Vector512.Sum(a31); s[20] = Vector512.Sum(a32); s[21] = Vector512.Sum(a33); s[22] = Vector512.Sum(a34); s[23] = Vector512.Sum(a35);
        float* w = w0;
        for (; j < d; j++)
        {
            for (int rr = 0; rr < 4; rr++)
            {
                float xv = x0[(long)rr * d + j];
                for (int pp = 0; pp < 6; pp++) s[rr * 6 + pp] += xv * w[(long)pp * d + j];
            }
        }
        for (int rr = 0; rr < 4; rr++)
            for (int pp = 0; pp < 6; pp++)
                out0[(long)rr * k + pp] = s[rr * 6 + pp] + (bias == null ? 0f : bias[pp]);
    }

    /// <summary>Four rows x four probes: 16 accumulators, 8 loads per 16 FMAs, so many stacked probes (several
    /// layers' probes at once) stay limited by reading x rather than by re-reading rows from cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4x4(float* x0, int d, float* w0, float* bias, float* out0, int k, float* next)
    {
        float* x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
        float* w1 = w0 + d, w2 = w1 + d, w3 = w2 + d;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default,
                         a10 = default, a11 = default, a12 = default, a13 = default,
                         a20 = default, a21 = default, a22 = default, a23 = default,
                         a30 = default, a31 = default, a32 = default, a33 = default;
        int j = 0;
        for (; j + 16 <= d; j += 16)
        {
            if (Sse.IsSupported && next != null)
            {
                Sse.Prefetch0(next + j); Sse.Prefetch0(next + d + j);
                Sse.Prefetch0(next + 2L * d + j); Sse.Prefetch0(next + 3L * d + j);
            }
            var v0 = Vector512.Load(w0 + j); var v1 = Vector512.Load(w1 + j);
            var v2 = Vector512.Load(w2 + j); var v3 = Vector512.Load(w3 + j);
            var r = Vector512.Load(x0 + j);
            a00 = Vector512.FusedMultiplyAdd(r, v0, a00); a01 = Vector512.FusedMultiplyAdd(r, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(r, v2, a02); a03 = Vector512.FusedMultiplyAdd(r, v3, a03);
            r = Vector512.Load(x1 + j);
            a10 = Vector512.FusedMultiplyAdd(r, v0, a10); a11 = Vector512.FusedMultiplyAdd(r, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(r, v2, a12); a13 = Vector512.FusedMultiplyAdd(r, v3, a13);
            r = Vector512.Load(x2 + j);
            a20 = Vector512.FusedMultiplyAdd(r, v0, a20); a21 = Vector512.FusedMultiplyAdd(r, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(r, v2, a22); a23 = Vector512.FusedMultiplyAdd(r, v3, a23);
            r = Vector512.Load(x3 + j);
            a30 = Vector512.FusedMultiplyAdd(r, v0, a30); a31 = Vector512.FusedMultiplyAdd(r, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(r, v2, a32); a33 = Vector512.FusedMultiplyAdd(r, v3, a33);
        }
        Span<float> s = stackalloc float[16];
        s[0] = Vector512.Sum(a00); s[1] = Vector512.Sum(a01); s[2] = Vector512.Sum(a02); s[3] = Vector512.Sum(a03);
        s[4] = Vector512.Sum(a10); s[5] = Vector512.Sum(a11); s[6] = Vector512.Sum(a12); s[7] = Vector512.Sum(a13);
        s[8] = Vector512.Sum(a20); s[9] = Vector512.Sum(a21); s[10] = Vector512.Sum(a22); s[11] = Vector512.Sum(a23);
        s[12] = Vector512.Sum(a30); s[13] = Vector512.Sum(a31); s[14] = Vector512.Sum(a32); s[15] = Vector512.Sum(a33);
        for (; j < d; j++)
        {
            float* xs = x0 + j;
            for (int rr = 0; rr < 4; rr++)
            {
                float xv = xs[(long)rr * d];
                s[rr * 4] += xv * w0[j]; s[rr * 4 + 1] += xv * w1[j]; s[rr * 4 + 2] += xv * w2[j]; s[rr * 4 + 3] += xv * w3[j];
            }
        }
        for (int rr = 0; rr < 4; rr++)
            for (int pp = 0; pp < 4; pp++)
                out0[(long)rr * k + pp] = s[rr * 4 + pp] + (bias == null ? 0f : bias[pp]);
    }

    /// <summary>Dot products of four consecutive rows (stride d) with one vector; where the rows share their offset from
    /// a cache line (d a multiple of 16), x is read through <see cref="AlignedStream{TShift}"/> (same vectors, same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4(float* x0, int d, float* w, out float s0, out float s1, out float s2, out float s3)
    {
        var kernel = new Dot4Kernel { X0 = x0, W = w, D = d };
        (s0, s1, s2, s3) = LaneShifts.Dispatch<Dot4Kernel, (float, float, float, float)>(ref kernel, x0, rowsShareOffset: d % 16 == 0);
    }

    private struct Dot4Kernel : IShiftedKernel<(float, float, float, float)>
    {
        public float* X0, W;
        public int D;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (float, float, float, float) Run<TShift>() where TShift : struct, ILaneShift
        {
            Dot4<TShift>(X0, D, W, out float s0, out float s1, out float s2, out float s3);
            return (s0, s1, s2, s3);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4<TShift>(float* x0, int d, float* w, out float s0, out float s1, out float s2, out float s3) where TShift : struct, ILaneShift
    {
        float* x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
        bool aligned = typeof(TShift) != typeof(Unaligned);
        Vector512<uint> p0 = default, p1 = default, p2 = default, p3 = default;
        uint* l0 = null, l1 = null, l2 = null, l3 = null;
        if (aligned)
        {
            l0 = AlignedStream<TShift>.Start((byte*)x0, out p0); l1 = AlignedStream<TShift>.Start((byte*)x1, out p1);
            l2 = AlignedStream<TShift>.Start((byte*)x2, out p2); l3 = AlignedStream<TShift>.Start((byte*)x3, out p3);
        }
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int j = 0;
        for (; j + 16 <= d; j += 16)
        {
            var wv = Vector512.Load(w + j);
            if (aligned)
            {
                a0 = Vector512.FusedMultiplyAdd(AlignedStream<TShift>.Next(l0 + j, ref p0).AsSingle(), wv, a0);
                a1 = Vector512.FusedMultiplyAdd(AlignedStream<TShift>.Next(l1 + j, ref p1).AsSingle(), wv, a1);
                a2 = Vector512.FusedMultiplyAdd(AlignedStream<TShift>.Next(l2 + j, ref p2).AsSingle(), wv, a2);
                a3 = Vector512.FusedMultiplyAdd(AlignedStream<TShift>.Next(l3 + j, ref p3).AsSingle(), wv, a3);
            }
            else
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Load(x0 + j), wv, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Load(x1 + j), wv, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Load(x2 + j), wv, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Load(x3 + j), wv, a3);
            }
        }
        s0 = Vector512.Sum(a0); s1 = Vector512.Sum(a1); s2 = Vector512.Sum(a2); s3 = Vector512.Sum(a3);
        for (; j < d; j++)
        {
            float wj = w[j];
            s0 += x0[j] * wj; s1 += x1[j] * wj; s2 += x2[j] * wj; s3 += x3[j] * wj;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(float* a, float* b, int d)
    {
        Vector512<float> acc0 = default, acc1 = default;
        int j = 0;
        for (; j + 32 <= d; j += 32)
        {
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), acc0);
            acc1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j + 16), Vector512.Load(b + j + 16), acc1);
        }
        for (; j + 16 <= d; j += 16)
            acc0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + j), Vector512.Load(b + j), acc0);
        float s = Vector512.Sum(acc0 + acc1);
        for (; j < d; j++) s += a[j] * b[j];
        return s;
    }
}
