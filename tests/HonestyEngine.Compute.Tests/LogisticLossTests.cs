using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Logistic;

namespace HonestyEngine.Compute.Tests;

/// <summary>The loss+gradient pass of every backend against a double-precision evaluation, on shapes that exercise every
/// path of the fused kernel: 64-column register tiles, 16-wide and scalar column tails, several row blocks per
/// task (with the software prefetch running ahead), a vectorised residual tail (rows not a multiple of 8),
/// and large |z| where exp would overflow in a naive formula. The bfloat16 format runs the same shapes, which for
/// it also means odd widths (the last column outside the even/odd pairs) and pair counts that are not a multiple of
/// the 32-pair tile.</summary>
public unsafe class LogisticLossTests
{
    private static readonly (int N, int D, int Threads, bool BFloat16)[] Shapes =
    [
        (1, 1, 1, false), (37, 20, 2, false), (1003, 131, 2, false), (517, 1029, 3, false), (300, 4096, 1, false),
        (1, 1, 1, true), (37, 20, 2, true), (40, 32, 1, true), (1003, 131, 2, true), (517, 1029, 3, true), (300, 4096, 1, true),
    ];

    /// <summary>The SIMD pass ("cpu", with each shape's thread count) and the ILGPU pass on every accelerator and kernel
    /// shape (the same pass as <c>FitLogistic</c> runs; threads do not apply).</summary>
    public static TheoryData<string, int, int, int, bool> Cases()
    {
        var data = new TheoryData<string, int, int, int, bool>();
        foreach (var backend in new[] { "cpu" }.Concat(Backends.IlgpuNames()))
            foreach (var (n, d, threads, bf16) in Shapes) data.Add(backend, n, d, threads, bf16);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradient_match_double_precision(string backend, int n, int d, int threads, bool bfloat16)
    {
        var x = Data.Gaussian(n * d, n + d);
        var xBf16 = new BFloat16[x.Length];
        if (bfloat16)
        {
            // The reference below reads x, so x holds exactly the values the bfloat16 kernel sees.
            BFloat16.FromSingle(x, xBf16);
            BFloat16.ToSingle(xBf16, x);
        }
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = (i * 7 + 3) % 5 < 2 ? 1 : 0;
        var w = new double[d];
        var rng = new Random(d);
        // Scale so |z| reaches ~40 on some rows (sigmoid saturates; log(1 + exp(z)) must not overflow).
        for (int j = 0; j < d; j++) w[j] = (rng.NextDouble() * 2 - 1) * 12 / Math.Sqrt(d);
        double b = 0.3;

        var grad = new double[d];
        double loss, gradB;
        if (backend != "cpu")
        {
            var compute = Backends.CreateIlgpu(backend);
            using var pass = bfloat16 ? new Ilgpu.IlgpuLogisticLoss(compute, xBf16, n, d, y) : new Ilgpu.IlgpuLogisticLoss(compute, x, n, d, y);
            loss = pass.Evaluate(w, b, grad, out gradB);
        }
        else
        fixed (float* px = x) fixed (BFloat16* pxb = xBf16) fixed (float* py = y)
        {
            ILogisticLoss pass = bfloat16
                ? new CpuLogisticLoss<BFloat16Rows>(pxb, py, n, d, threads)
                : new CpuLogisticLoss<Float32Rows>(px, py, n, d, threads);
            loss = pass.Evaluate(w, b, grad, out gradB);
        }

        double eLoss = 0, eGb = 0;
        var eGrad = new double[d];
        for (int i = 0; i < n; i++)
        {
            double z = b;
            for (int j = 0; j < d; j++) z += w[j] * x[i * d + j];
            eLoss += Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - y[i] * z;
            double r = 1 / (1 + Math.Exp(-z)) - y[i];
            eGb += r;
            for (int j = 0; j < d; j++) eGrad[j] += r * x[i * d + j];
        }
        Data.AssertClose(eLoss / n, loss, 1e-4, 1e-6, $"{backend} loss n={n} d={d}");
        Data.AssertClose(eGb / n, gradB, 1e-4, 1e-5, $"{backend} dL/db n={n} d={d}");
        for (int j = 0; j < d; j++) Data.AssertClose(eGrad[j] / n, grad[j], 1e-3, 1e-5, $"{backend} dL/dw[{j}] n={n} d={d}");
    }
}

/// <summary>The pass reads rows with aligned loads recombined by the row's offset from a cache line; the vectors must
/// be exactly those of unaligned loads, so the loss and gradient are the same bits wherever the data starts.</summary>
public unsafe class LogisticAlignmentTests
{
    [Theory]
    [InlineData(false, 1024)]
    [InlineData(false, 200)]  // rows of 800 bytes: every row has another offset
    [InlineData(true, 1024)]
    [InlineData(true, 130)]   // 260-byte rows: offsets vary, and the pair tiles have a tail
    [InlineData(true, 131)]   // odd width: every other row starts off a 4-byte boundary (the unaligned path)
    public void Loss_and_gradient_do_not_depend_on_where_x_starts(bool bfloat16, int d)
    {
        int n = 70, elementBytes = bfloat16 ? 2 : 4;
        var values = Data.Gaussian(n * d, d);
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = i % 3 == 0 ? 1 : 0;
        var w = new double[d];
        for (int j = 0; j < d; j++) w[j] = Math.Sin(j) * 0.1;
        byte[] buffer = GC.AllocateArray<byte>(n * d * elementBytes + 128, pinned: true);
        double? firstLoss = null;
        double[]? firstGrad = null;
        fixed (byte* pb = buffer) fixed (float* py = y)
        {
            byte* aligned = (byte*)(((nint)pb + 63) & ~(nint)63);
            for (int offset = 0; offset < 64; offset += 2)
            {
                if (!bfloat16 && offset % 4 != 0) continue;
                byte* x = aligned + offset;
                if (bfloat16) BFloat16.FromSingle(values, new Span<BFloat16>(x, values.Length));
                else values.CopyTo(new Span<float>(x, values.Length));
                ILogisticLoss pass = bfloat16
                    ? new CpuLogisticLoss<BFloat16Rows>(x, py, n, d, 2)
                    : new CpuLogisticLoss<Float32Rows>(x, py, n, d, 2);
                var grad = new double[d];
                double loss = pass.Evaluate(w, 0.2, grad, out _);
                firstLoss ??= loss;
                firstGrad ??= grad;
                Assert.Equal(firstLoss.Value, loss);
                Assert.Equal(firstGrad, grad);
            }
        }
    }

    /// <summary>Phase 1 takes four rows per call; each row's z must be the very bits of the single-row kernel (same
    /// operations in the same order), at every offset the aligned loads handle and with the tails d leaves.</summary>
    [Theory]
    [InlineData(false, 1024)]
    [InlineData(false, 80)]   // a 16-column tail after the 64-column steps
    [InlineData(true, 4096)]
    [InlineData(true, 96)]    // a 16-pair tail after the 32-pair steps
    [InlineData(true, 160)]
    public void Four_row_dot_gives_the_single_row_bits(bool bfloat16, int d)
    {
        int elementBytes = bfloat16 ? 2 : 4;
        var values = Data.Gaussian(4 * d, d + 5);
        var w = Data.Gaussian(d, 9);
        byte[] buffer = GC.AllocateArray<byte>(4 * d * elementBytes + 128, pinned: true);
        var four = new float[4];
        fixed (byte* pb = buffer) fixed (float* pw = w) fixed (float* pz = four)
        {
            byte* aligned = (byte*)(((nint)pb + 63) & ~(nint)63);
            for (int offset = 0; offset < 64; offset += 4)
            {
                byte* x = aligned + offset;
                if (bfloat16) BFloat16.FromSingle(values, new Span<BFloat16>(x, values.Length));
                else values.CopyTo(new Span<float>(x, values.Length));
                long rowBytes = (long)d * elementBytes;
                byte* prefetch = x, end = x;
                for (int i = 0; i < 4; i++) pz[i] = float.NaN;
                if (bfloat16) LogisticRowKernels<BFloat16Rows>.Dot4(x, rowBytes, pw, d, pz, ref prefetch, end);
                else LogisticRowKernels<Float32Rows>.Dot4(x, rowBytes, pw, d, pz, ref prefetch, end);
                for (int i = 0; i < 4; i++)
                {
                    float single = bfloat16
                        ? LogisticRowKernels<BFloat16Rows>.Dot(x + i * rowBytes, pw, d, ref prefetch, end)
                        : LogisticRowKernels<Float32Rows>.Dot(x + i * rowBytes, pw, d, ref prefetch, end);
                    Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(four[i]));
                }
            }
        }
    }
}
