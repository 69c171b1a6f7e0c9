namespace HonestyEngine.Runtime.Numerics;

/// <summary>Which SGEMM implementation runs.</summary>
public enum GemmProvider
{
    /// <summary>Vector512/Vector256 kernels in this assembly (always available).</summary>
    Managed,
    /// <summary>OpenBLAS <c>cblas_sgemm</c> through P/Invoke (when libopenblas.so.0 loads).</summary>
    OpenBlas,
}

/// <summary>Single-precision matrix multiply on row-major spans. The provider defaults to the managed kernels where
/// Vector512 is accelerated (they measured 0.89-1.09x OpenBLAS on transformer shapes with OPENBLAS_CORETYPE unset,
/// 1.5-2x with =Haswell, and faster on the small products of testbed-size models, see README), otherwise to OpenBLAS
/// when it loads; the environment variable <c>HONESTY_BLAS=managed|openblas</c> forces one.</summary>
public static unsafe class Gemm
{
    private static GemmProvider _provider = DefaultProvider();

    /// <summary>The provider used by <see cref="MultiplyTransposed"/> and <see cref="Multiply"/>.</summary>
    public static GemmProvider Provider
    {
        get => _provider;
        set
        {
            if (value == GemmProvider.OpenBlas && !OpenBlas.IsAvailable)
                throw new InvalidOperationException("OpenBLAS (libopenblas.so.0 with cblas_sgemm) could not be loaded.");
            _provider = value;
        }
    }

    /// <summary>True when libopenblas.so.0 was found and exports cblas_sgemm.</summary>
    public static bool OpenBlasAvailable => OpenBlas.IsAvailable;

    /// <summary>Worker threads used (default: processor count).</summary>
    public static int Threads { get; set; } = Environment.ProcessorCount;

    private static GemmProvider DefaultProvider()
    {
        var env = Environment.GetEnvironmentVariable("HONESTY_BLAS");
        switch (env?.Trim().ToLowerInvariant())
        {
            case null or "":
                return System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated || !OpenBlas.IsAvailable ? GemmProvider.Managed : GemmProvider.OpenBlas;
            case "managed": return GemmProvider.Managed;
            case "openblas":
                if (!OpenBlas.IsAvailable)
                    throw new InvalidOperationException("HONESTY_BLAS=openblas but libopenblas.so.0 (cblas_sgemm) could not be loaded.");
                return GemmProvider.OpenBlas;
            default: throw new InvalidOperationException($"HONESTY_BLAS='{env}' is not one of: managed, openblas.");
        }
    }

    /// <summary>Below this many rows of A (decode steps), C = A B^T is memory-bound and the managed unpacked
    /// dot-product path beats OpenBLAS's GEMM setup (3-4x measured on 1x4864x896), so it is used with either provider.</summary>
    public const int SmallRowsThreshold = 8;

    /// <summary>C[m,n] (+)= A[m,k] * B[n,k]^T — the Linear layer y = x W^T with W stored [out, in].</summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
        => Run(a, k, b, k, true, c, n, m, n, k, accumulate, m < SmallRowsThreshold ? GemmProvider.Managed : _provider);

    /// <summary>C[m,n] (+)= A[m,k] * B[k,n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
        => Run(a, k, b, n, false, c, n, m, n, k, accumulate, _provider);

    /// <summary>Full form with leading dimensions and an explicit provider.</summary>
    public static void Run(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, bool bTransposed,
        Span<float> c, int ldc, int m, int n, int k, bool accumulate, GemmProvider provider)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), "Negative dimension.");
        if (m == 0 || n == 0) return;
        Check(a.Length, m, k, lda, "A");
        if (bTransposed) Check(b.Length, n, k, ldb, "B"); else Check(b.Length, k, n, ldb, "B");
        Check(c.Length, m, n, ldc, "C");
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (provider == GemmProvider.OpenBlas && OpenBlas.IsAvailable && k > 0)
                OpenBlas.Multiply(m, n, k, pa, lda, pb, ldb, bTransposed, pc, ldc, accumulate, Threads);
            else
                ManagedGemm.Multiply(m, n, k, pa, lda, pb, ldb, bTransposed, pc, ldc, accumulate, Threads);
        }
    }

    private static void Check(int length, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"GEMM: leading dimension of {name} ({ld}) is less than its {cols} columns.");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"GEMM: {name} has {length} elements, too few for [{rows}, {cols}] with leading dimension {ld}.");
    }
}
