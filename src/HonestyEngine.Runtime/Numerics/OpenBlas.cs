using System.Runtime.InteropServices;

namespace HonestyEngine.Runtime.Numerics;

/// <summary>Debian's OpenBLAS (<c>libopenblas.so.0</c>) bound at run time through <c>cblas_sgemm</c>. Absent library
/// means <see cref="IsAvailable"/> is false and the managed kernels are used; nothing is required at build time.</summary>
internal static unsafe class OpenBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;
    private static readonly delegate* unmanaged<int, void> SetNumThreads;

    /// <summary>The library that was loaded, or null.</summary>
    public static string? LibraryName { get; }
    public static bool IsAvailable => Sgemm != null;

    static OpenBlas()
    {
        foreach (var name in new[] { "libopenblas.so.0", "libopenblas.so", "libopenblas" })
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var f)) continue;
            Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)f;
            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var t))
                SetNumThreads = (delegate* unmanaged<int, void>)t;
            LibraryName = name;
            return;
        }
    }

    private static int _threads = -1;

    public static void Multiply(int m, int n, int k, float* a, int lda, float* b, int ldb, bool bTransposed,
        float* c, int ldc, bool accumulate, int threads)
    {
        if (SetNumThreads != null && threads != _threads) { SetNumThreads(threads); _threads = threads; }
        Sgemm(RowMajor, NoTrans, bTransposed ? Trans : NoTrans, m, n, k, 1f, a, lda, b, ldb, accumulate ? 1f : 0f, c, ldc);
    }
}
