using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HonestyEngine.Runtime.Numerics;

/// <summary>Managed SGEMM: C = A * op(B) (+ C when accumulate), row-major. op(B) = B^T when B is stored [N, K]
/// (Hugging Face Linear weights [out, in]: y = x W^T) or B when stored [K, N].
/// Large M: GotoBLAS-style blocking — B is packed per (32-column panel, K block) into a k-major buffer that stays
/// in L1/L2, and a 6x32 register-blocked Vector512 micro-kernel (12 accumulators) streams rows of A against it;
/// threads own disjoint column panels of C. Small M (decode): the cost is reading B once, so B rows are dotted
/// directly against the few rows of A without packing.</summary>
internal static unsafe class ManagedGemm
{
    private const int Mr = 6;        // rows of A per micro-kernel
    private const int Nr = 32;       // columns of C per micro-kernel (2 x Vector512 or 4 x Vector256)
    private const int Kc = 256;        // K block: packed panel Nr*Kc*4 = 32 KB (L1D is 48 KB on Zen 5)
    private const int SmallM = 8;    // below this, unpacked dot-product path

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(int m, int n, int k, float* a, int lda, float* b, int ldb, bool bTransposed,
        float* c, int ldc, bool accumulate, int threads)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) new Span<float>(c + (long)i * ldc, n).Clear();
            return;
        }
        if (m < SmallM && bTransposed) { SmallMTransposed(m, n, k, a, lda, b, ldb, c, ldc, accumulate, threads); return; }

        int panels = (n + Nr - 1) / Nr;
        threads = Math.Max(1, Math.Min(threads, panels));
        // Give each worker a contiguous range of column panels; long (m*n*k) jobs only are split.
        if ((long)m * n * k < 1 << 18) threads = 1;
        var ctx = new Job(m, n, k, a, lda, b, ldb, bTransposed, c, ldc, accumulate, panels, threads);
        if (threads == 1) ctx.RunWorker(0);
        else SpinningWorkers.For(threads, ctx.RunWorker);
    }

    private sealed class Job(int m, int n, int k, float* a, int lda, float* b, int ldb, bool bT, float* c, int ldc, bool acc, int panels, int workers)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void RunWorker(int w)
        {
            int p0 = (int)((long)panels * w / workers), p1 = (int)((long)panels * (w + 1) / workers);
            var (packed, tile, zeroRow) = WorkerBuffers.ForThisThread();
            fixed (float* pp = packed, tp = tile, zp = zeroRow)
            {
                float* pk = (float*)(((nint)pp + 63) & ~(nint)63); // 64-byte aligned panel
                for (int p = p0; p < p1; p++)
                {
                    int j0 = p * Nr, nb = Math.Min(Nr, n - j0);
                    for (int k0 = 0; k0 < k; k0 += Kc)
                    {
                        int kb = Math.Min(Kc, k - k0);
                        if (bT) PackTransposed(b, ldb, j0, nb, k0, kb, pk); else PackPlain(b, ldb, j0, nb, k0, kb, pk);
                        bool add = acc || k0 > 0;
                        for (int i0 = 0; i0 < m; i0 += Mr)
                        {
                            int mb = Math.Min(Mr, m - i0);
                            float* r0 = a + (long)i0 * lda + k0;
                            float* r1 = mb > 1 ? r0 + lda : zp, r2 = mb > 2 ? r0 + 2L * lda : zp;
                            float* r3 = mb > 3 ? r0 + 3L * lda : zp, r4 = mb > 4 ? r0 + 4L * lda : zp, r5 = mb > 5 ? r0 + 5L * lda : zp;
                            bool full = mb == Mr && nb == Nr;
                            float* dst = full ? c + (long)i0 * ldc + j0 : tp;
                            int ld = full ? ldc : Nr;
                            if (!full)
                            {
                                // Edge tile: compute into scratch, seeded with C when accumulating.
                                for (int i = 0; i < Mr; i++)
                                    for (int j = 0; j < Nr; j++)
                                        tp[i * Nr + j] = add && i < mb && j < nb ? c[(long)(i0 + i) * ldc + j0 + j] : 0f;
                            }
                            if (Vector512.IsHardwareAccelerated) Kernel512(kb, r0, r1, r2, r3, r4, r5, pk, dst, ld, add || !full);
                            else Kernel256(kb, r0, r1, r2, r3, r4, r5, pk, dst, ld, add || !full);
                            if (!full)
                                for (int i = 0; i < mb; i++)
                                    for (int j = 0; j < nb; j++)
                                        c[(long)(i0 + i) * ldc + j0 + j] = tp[i * Nr + j];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Each thread's packed panel, edge tile and zero row, allocated once per thread: a forward pass makes
    /// hundreds of small GEMM calls (attention heads), and fresh pinned buffers per call fill the pinned heap,
    /// which only a gen-2 collection empties.</summary>
    private static class WorkerBuffers
    {
        [ThreadStatic] private static float[]? _packed, _tile, _zeroRow;

        public static (float[] Packed, float[] Tile, float[] ZeroRow) ForThisThread()
        {
            _packed ??= GC.AllocateUninitializedArray<float>(Nr * Kc + 16, pinned: true);
            _tile ??= GC.AllocateUninitializedArray<float>(Mr * Nr, pinned: true);
            _zeroRow ??= new float[Kc]; // stays zero: read as the missing rows of an edge tile
            return (_packed, _tile, _zeroRow);
        }
    }

    /// <summary>Panel[kk*Nr + j] = B[j0+j, k0+kk] for B stored [N, K]; zero beyond n. Full 8x8 blocks are
    /// transposed in registers (8 loads, 24 shuffles, 8 stores instead of 64 scalar moves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* b, int ldb, int j0, int nb, int k0, int kb, float* dst)
    {
        int j = 0;
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            for (; j + 8 <= nb; j += 8)
            {
                float* s0 = b + (long)(j0 + j) * ldb + k0;
                int kk = 0;
                for (; kk + 8 <= kb; kk += 8)
                {
                    float* s = s0 + kk;
                    Transpose8(s, ldb, dst + kk * Nr + j);
                }
                for (; kk < kb; kk++)
                    for (int t = 0; t < 8; t++) dst[kk * Nr + j + t] = s0[(long)t * ldb + kk];
            }
        }
        for (; j < nb; j++)
        {
            float* src = b + (long)(j0 + j) * ldb + k0;
            for (int kk = 0; kk < kb; kk++) dst[kk * Nr + j] = src[kk];
        }
        for (j = nb; j < Nr; j++)
            for (int kk = 0; kk < kb; kk++) dst[kk * Nr + j] = 0f;
    }

    /// <summary>dst[t*Nr + r] = s[r*lds + t] for an 8x8 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* s, int lds, float* dst)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + lds);
        var r2 = Avx.LoadVector256(s + 2L * lds); var r3 = Avx.LoadVector256(s + 3L * lds);
        var r4 = Avx.LoadVector256(s + 4L * lds); var r5 = Avx.LoadVector256(s + 5L * lds);
        var r6 = Avx.LoadVector256(s + 6L * lds); var r7 = Avx.LoadVector256(s + 7L * lds);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + Nr, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * Nr, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * Nr, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * Nr, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * Nr, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * Nr, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * Nr, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Panel[kk*Nr + j] = B[k0+kk, j0+j] for B stored [K, N]; zero beyond n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPlain(float* b, int ldb, int j0, int nb, int k0, int kb, float* dst)
    {
        for (int kk = 0; kk < kb; kk++)
        {
            float* src = b + (long)(k0 + kk) * ldb + j0;
            float* d = dst + kk * Nr;
            int j = 0;
            for (; j < nb; j++) d[j] = src[j];
            for (; j < Nr; j++) d[j] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(int kb, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* p, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int kk = 0; kk < kb; kk++, p += Nr)
        {
            var b0 = Vector512.LoadAligned(p);
            var b1 = Vector512.LoadAligned(p + 16);
            var x = Vector512.Create(a0[kk]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[kk]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[kk]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[kk]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[kk]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[kk]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
        }
        Store512(c, c00, c01, add); Store512(c + ldc, c10, c11, add); Store512(c + 2 * ldc, c20, c21, add);
        Store512(c + 3 * ldc, c30, c31, add); Store512(c + 4 * ldc, c40, c41, add); Store512(c + 5 * ldc, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
    {
        if (add) { v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16); }
        v0.Store(c); v1.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(int kb, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* p, float* c, int ldc, bool add)
    {
        // Same tile with 8-wide vectors, done as two 6x16 halves to stay within 16 registers.
        for (int half = 0; half < 2; half++)
        {
            float* ph = p + half * 16;
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
            for (int kk = 0; kk < kb; kk++, ph += Nr)
            {
                var b0 = Vector256.Load(ph);
                var b1 = Vector256.Load(ph + 8);
                var x = Vector256.Create(a0[kk]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
                x = Vector256.Create(a1[kk]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
                x = Vector256.Create(a2[kk]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
                x = Vector256.Create(a3[kk]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
                x = Vector256.Create(a4[kk]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
                x = Vector256.Create(a5[kk]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            }
            float* ch = c + half * 16;
            Store256(ch, c00, c01, add); Store256(ch + ldc, c10, c11, add); Store256(ch + 2 * ldc, c20, c21, add);
            Store256(ch + 3 * ldc, c30, c31, add); Store256(ch + 4 * ldc, c40, c41, add); Store256(ch + 5 * ldc, c50, c51, add);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
    {
        if (add) { v0 += Vector256.Load(c); v1 += Vector256.Load(c + 8); }
        v0.Store(c); v1.Store(c + 8);
    }

    /// <summary>Few rows of A against B [N, K]: each row of B is read once and dotted with every row of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SmallMTransposed(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc, bool acc, int threads)
    {
        int chunks = Math.Max(1, Math.Min(threads, (int)Math.Min(n / 64 + 1, int.MaxValue)));
        if ((long)m * n * k < 1 << 17) chunks = 1;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Work(int w)
        {
            int j0 = (int)((long)n * w / chunks), j1 = (int)((long)n * (w + 1) / chunks);
            for (int j = j0; j < j1; j++)
            {
                float* bj = b + (long)j * ldb;
                for (int i = 0; i < m; i++)
                {
                    float d = Dot(a + (long)i * lda, bj, k);
                    float* ci = c + (long)i * ldc + j;
                    *ci = acc ? *ci + d : d;
                }
            }
        }
        if (chunks == 1) Work(0);
        else SpinningWorkers.For(chunks, Work);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(float* x, float* y, int k)
    {
        int i = 0;
        float s;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            Vector512<float> s0 = default, s1 = default;
            for (; i + 32 <= k; i += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i), Vector512.Load(y + i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.Load(x + i + 16), Vector512.Load(y + i + 16), s1);
            }
            s = Vector512.Sum(s0 + s1);
        }
        else
        {
            Vector256<float> s0 = default;
            for (; i + 8 <= k; i += 8) s0 = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(y + i), s0);
            s = Vector256.Sum(s0);
        }
        for (; i < k; i++) s += x[i] * y[i];
        return s;
    }
}
