using System.Diagnostics;
using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;
using ILGPU.Runtime;

namespace HonestyEngine.Benchmarks;

/// <summary>Probe scoring on one ILGPU accelerator with x resident on the device: GB/s of x read by the projection kernel
/// (float32 and bfloat16 rows, each kernel shape), against a device-to-device copy of the same bytes measured in the same
/// run, alternating with the kernels (the copy's GB/s counts bytes read plus bytes written, as a copy benchmark does; it
/// is what the memory system moves at best, so a kernel that only reads x can approach or pass 1.0 of it). Every score
/// is then checked against the SIMD CPU backend (with the kernel tests' tolerance), so a run on a GPU machine also checks
/// the kernels there.</summary>
internal static class AcceleratorScoring
{
    public static int Run(string id, float[] x, int rows, int dim, int[] probeCounts, string[] formats, bool bothShapes, int repeats)
    {
        var info = IlgpuDevices.Find(id)!;
        var preferred = KernelShapes.For(info);
        var shapes = bothShapes ? new[] { preferred, preferred == KernelShape.WarpPerRow ? KernelShape.RowPerThread : KernelShape.WarpPerRow } : [preferred];
        var backends = shapes.Select(s => new IlgpuActivationCompute(id, s)).ToArray();
        var main = backends[0];
        long elems = (long)rows * dim;
        Console.WriteLine($"{main.Info.Describe()}: x resident on the device; {repeats} rounds, each a device-to-device copy of the float32 x " +
                          "and of the bfloat16 x, then every kernel once; best time of each");

        var sw = Stopwatch.StartNew();
        using var xF32 = main.Upload<float>(x);
        using var copyTargetF32 = main.Device.Allocate<float>(elems);
        BFloat16[]? narrowed = null;
        MemoryBuffer1D<ushort, ILGPU.Stride1D.Dense>? xBf16 = null, copyTargetBf16 = null;
        if (formats.Contains("bf16"))
        {
            narrowed = new BFloat16[elems];
            BFloat16.FromSingle(x, narrowed);
            xBf16 = main.Upload<ushort>(MemoryMarshal.Cast<BFloat16, ushort>(narrowed.AsSpan()));
            copyTargetBf16 = main.Device.Allocate<ushort>(elems);
        }
        Console.WriteLine($"upload: {sw.Elapsed.TotalSeconds:F1} s");

        var cases = new List<Case>();
        foreach (var backend in backends)
            foreach (var format in formats)
                foreach (int k in probeCounts)
                {
                    var w = BandwidthProbe.Random((long)k * dim, 2);
                    cases.Add(new Case(backend, format, k, w, backend.Upload<float>(w), backend.Upload<float>(new float[k]),
                        backend.Device.Allocate<float>((long)rows * k)));
                }
        // Warm-up: compiles each kernel (and each probe-panel specialisation) before anything is timed.
        sw.Restart();
        foreach (var c in cases) Launch(c, xF32, xBf16, rows, dim);
        main.CopyResident(xF32, copyTargetF32);
        if (xBf16 is not null) main.CopyResident(xBf16, copyTargetBf16!);
        Console.WriteLine($"warm-up (kernel compilation): {sw.Elapsed.TotalSeconds:F1} s");

        double copyF32Best = double.MaxValue, copyBf16Best = double.MaxValue;
        for (int rep = 0; rep < repeats; rep++)
        {
            copyF32Best = Math.Min(copyF32Best, Time(() => main.CopyResident(xF32, copyTargetF32)));
            if (xBf16 is not null) copyBf16Best = Math.Min(copyBf16Best, Time(() => main.CopyResident(xBf16, copyTargetBf16!)));
            foreach (var c in cases) c.Best = Math.Min(c.Best, Time(() => Launch(c, xF32, xBf16, rows, dim)));
        }
        double copyF32 = 2.0 * elems * 4 / copyF32Best / 1e9;
        double copyBf16 = xBf16 is null ? double.NaN : 2.0 * elems * 2 / copyBf16Best / 1e9;
        Console.WriteLine($"device-to-device copy (read + write bytes / time, best of {repeats}): float32 x {elems * 4 / 1e9:F2} GB: {copyF32:F0} GB/s" +
                          (xBf16 is null ? "" : $"; bfloat16 x {elems * 2 / 1e9:F2} GB: {copyBf16:F0} GB/s"));
        Console.WriteLine();
        Console.WriteLine($"{"backend",-58} {"x",5} {"probes",6} {"ms",9} {"GB/s",8} {"vs copy",8} {"GFLOP/s",8}  check vs cpu backend");

        int status = 0;
        var cpu = new CpuActivationCompute();
        int checkRows = Math.Min(rows, 65_536);
        var wide = new float[(long)checkRows * dim];
        foreach (var c in cases)
        {
            long bytes = elems * (c.Format == "bf16" ? 2 : 4);
            double gbps = bytes / c.Best / 1e9;
            double vsCopy = gbps / (c.Format == "bf16" ? copyBf16 : copyF32);
            string check = Check(c, cpu, x, narrowed, checkRows, dim, wide, out bool ok);
            if (!ok) status = 1;
            string name = c.Backend.Name + (c.Backend.Shape == preferred ? " *" : "");
            Console.WriteLine($"{ScoringBenchmark.Trim(name, 58),-58} {c.Format,5} {c.K,6} {c.Best * 1e3,9:F3} {gbps,8:F0} {vsCopy,8:F2} " +
                              $"{2.0 * elems * c.K / c.Best / 1e9,8:F0}  {check}");
            c.Dispose();
        }
        xBf16?.Dispose();
        copyTargetBf16?.Dispose();
        Console.WriteLine();
        Console.WriteLine("* = the shape the backend picks for this device type. GB/s = bytes of x read (4 per value for float32, 2 for bfloat16) / " +
                          "kernel time; vs copy = that over the copy's GB/s for x in the same format.");
        return status;
    }

    private sealed class Case(IlgpuActivationCompute backend, string format, int k, float[] w,
                              MemoryBuffer1D<float, ILGPU.Stride1D.Dense> bw, MemoryBuffer1D<float, ILGPU.Stride1D.Dense> bias,
                              MemoryBuffer1D<float, ILGPU.Stride1D.Dense> scores) : IDisposable
    {
        public IlgpuActivationCompute Backend { get; } = backend;
        public string Format { get; } = format;
        public int K { get; } = k;
        public float[] W { get; } = w;
        public MemoryBuffer1D<float, ILGPU.Stride1D.Dense> Weights { get; } = bw;
        public MemoryBuffer1D<float, ILGPU.Stride1D.Dense> Bias { get; } = bias;
        public MemoryBuffer1D<float, ILGPU.Stride1D.Dense> Scores { get; } = scores;
        public double Best { get; set; } = double.MaxValue;

        public void Dispose()
        {
            Weights.Dispose(); Bias.Dispose(); Scores.Dispose();
        }
    }

    private static void Launch(Case c, MemoryBuffer1D<float, ILGPU.Stride1D.Dense> xF32, MemoryBuffer1D<ushort, ILGPU.Stride1D.Dense>? xBf16, int rows, int dim)
    {
        if (c.Format == "bf16") c.Backend.ProjectResident(xBf16!, rows, dim, c.Weights, c.K, c.Scores, c.Bias);
        else c.Backend.ProjectResident(xF32, rows, dim, c.Weights, c.K, c.Scores, c.Bias);
    }

    private static double Time(Action body)
    {
        var sw = Stopwatch.StartNew();
        body();
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>The first <paramref name="checkRows"/> rows' scores against the CPU backend on the same values (bfloat16
    /// widened), with the kernel tests' tolerance (1e-4 relative + 1e-4 sqrt(d) absolute).</summary>
    private static string Check(Case c, CpuActivationCompute cpu, float[] x, BFloat16[]? narrowed, int checkRows, int dim, float[] wide, out bool ok)
    {
        var device = new float[(long)checkRows * c.K];
        lock (c.Backend.Device.Sync) c.Backend.Device.Download(c.Scores, device);
        ReadOnlySpan<float> rowsUsed = x.AsSpan(0, checkRows * dim);
        if (c.Format == "bf16")
        {
            BFloat16.ToSingle(narrowed.AsSpan(0, checkRows * dim), wide);
            rowsUsed = wide;
        }
        var expected = new float[device.Length];
        cpu.ProjectScores(rowsUsed, checkRows, dim, c.W, c.K, new float[c.K], expected);
        double worst = 0;
        ok = true;
        for (int i = 0; i < device.Length; i++)
        {
            double err = Math.Abs(device[i] - expected[i]), tol = 1e-4 * Math.Abs(expected[i]) + 1e-4 * Math.Sqrt(dim);
            worst = Math.Max(worst, err / tol);
            ok &= err <= tol;
        }
        return $"{(ok ? "ok" : "FAIL")} ({checkRows} rows, worst error {worst:G2} of tolerance)";
    }
}
