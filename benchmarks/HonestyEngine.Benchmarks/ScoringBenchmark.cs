using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;

namespace HonestyEngine.Benchmarks;

/// <summary>Batched probe scoring (scores = x w^T + b) in GB/s of activations read. The SIMD CPU backend is compared
/// with the read bandwidth of this machine measured in the same run; each ILGPU accelerator (a CUDA or OpenCL GPU) with
/// x resident on the device (the kernel alone, as a method scoring many probes against cached activations sees it), in
/// both kernel shapes and for float32 and bfloat16 rows, against a device-to-device copy of x measured in the same run
/// (<see cref="AcceleratorScoring"/>).</summary>
internal sealed class ScoringBenchmark : IBenchmarkSuite
{
    public string Name => "scoring";
    public string Description => "probe scoring GB/s (CPU vs read bandwidth; ILGPU accelerators vs device-to-device copy); args: [--rows N] [--dim D] " +
                                 "[--probes 1,8,32] [--threads T] [--device cpu,cuda:0,...] [--formats f32,bf16] [--shapes both|default] [--repeats R]";

    public int Run(string[] args)
    {
        int rows = IntArg(args, "--rows", 262_144), dim = IntArg(args, "--dim", 1024);
        int threads = IntArg(args, "--threads", Environment.ProcessorCount);
        // Without --device: the CPU backend and every GPU ILGPU sees (its CPU accelerator is a test simulator; name it to run it).
        var devices = ArgValue(args, "--device")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                      ?? ["cpu", .. IlgpuDevices.All.Where(d => d.Type != ILGPU.Runtime.AcceleratorType.CPU).Select(d => d.Id)];
        var accelerators = devices.Where(d => d != "cpu").ToList();
        foreach (var id in accelerators)
            if (IlgpuDevices.Find(id) is null)
            {
                Console.Error.WriteLine(IlgpuDevices.NotPresent(id));
                return 2;
            }
        long elems = (long)rows * dim;
        Console.WriteLine($"Probe scoring: x = {rows} x {dim} float32 ({elems * 4 / 1e9:F2} GB), {threads} threads, {Environment.ProcessorCount} cores; " +
                          $"backends: {string.Join(", ", devices)}");
        var x = BandwidthProbe.Random(elems, 1);
        int status = 0;
        if (devices.Contains("cpu"))
        {
            var probeCounts = (ArgValue(args, "--probes") ?? "1,8,32").Split(',').Select(int.Parse).ToArray();
            RunCpu(x, rows, dim, threads, probeCounts);
        }
        foreach (var id in accelerators)
        {
            Console.WriteLine();
            var probeCounts = (ArgValue(args, "--probes") ?? "1,2,3,4,5,6,7,8").Split(',').Select(int.Parse).ToArray();
            var formats = (ArgValue(args, "--formats") ?? "f32,bf16").Split(',');
            bool bothShapes = (ArgValue(args, "--shapes") ?? "both") == "both";
            status |= AcceleratorScoring.Run(id, x, rows, dim, probeCounts, formats, bothShapes, IntArg(args, "--repeats", 10));
        }
        return status;
    }

    private static void RunCpu(float[] x, int rows, int dim, int threads, int[] probeCounts)
    {
        long elems = (long)rows * dim;
        var cpu = new CpuActivationCompute(threads);
        // The bandwidth loop and the kernel alternate, repeat by repeat, so that both see the same machine
        // (other processes come and go); each keeps its best time.
        var kernels = probeCounts.Select(k => (K: k, W: BandwidthProbe.Random((long)k * dim, 2), Bias: new float[k], Scores: new float[(long)rows * k], Best: double.MaxValue)).ToArray();
        double readBw = 0, alignedBw = 0;
        using var alignedBuffer = new BandwidthProbe.AlignedBuffer(elems);
        for (int rep = 0; rep < 7; rep++)
        {
            readBw = Math.Max(readBw, BandwidthProbe.ReadGBps(x, threads, repeats: 1));
            alignedBw = Math.Max(alignedBw, alignedBuffer.ReadGBps(threads));
            for (int i = 0; i < kernels.Length; i++)
            {
                var kk = kernels[i];
                double t = BandwidthProbe.BestSeconds(() => cpu.ProjectScores(x, rows, dim, kk.W, kk.K, kk.Bias, kk.Scores), repeats: 1);
                kernels[i].Best = Math.Min(kk.Best, t);
            }
        }
        double fmaPeak = FmaPeakProbe.GflopsPerSecond(threads);
        Console.WriteLine($"read bandwidth (Vector512 sum loop, {threads} threads, best of 7): {readBw:F1} GB/s over x itself (a managed array, " +
                          $"8-byte aligned: unaligned loads straddle cache lines); {alignedBw:F1} GB/s over a 64-byte-aligned buffer (the hardware limit); " +
                          "both alternate with the kernels");
        Console.WriteLine($"FMA peak (24 register-only Vector512 FMA chains per thread, {threads} threads): {fmaPeak:F0} GFLOP/s; scoring does 2 K flops " +
                          "per value of x, so with many probes this, not memory, bounds it");
        Console.WriteLine();
        Console.WriteLine($"{"backend",-52} {"probes",6} {"ms",9} {"GB/s",8} {"vs read bw",10} {"vs aligned",10} {"GFLOP/s",8} {"vs FMA peak",11}");
        foreach (var kk in kernels) Report(cpu.Name, kk.K, kk.Best, elems, readBw, alignedBw, fmaPeak);
        Console.WriteLine();
        Console.WriteLine("Target: CPU >= 0.8 of read bandwidth where memory bounds the pass; where 2 K flops per value at that bandwidth exceed " +
                          "the FMA peak, the FMA peak bounds it instead (the last column).");
    }

    private static void Report(string name, int k, double seconds, long elems, double readBw, double alignedBw, double fmaPeak)
    {
        double gbps = elems * 4 / seconds / 1e9, gflops = 2.0 * elems * k / seconds / 1e9;
        Console.WriteLine($"{Trim(name, 52),-52} {k,6} {seconds * 1e3,9:F2} {gbps,8:F1} {gbps / readBw,10:F2} {gbps / alignedBw,10:F2} {gflops,8:F0} {gflops / fmaPeak,11:F2}");
    }

    internal static string Trim(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    internal static string? ArgValue(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static int IntArg(string[] args, string name, int fallback)
        => ArgValue(args, name) is { } v ? int.Parse(v) : fallback;
}
