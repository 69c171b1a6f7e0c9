using System.Diagnostics;
using System.Globalization;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Benchmarks;

/// <summary>`gemm`: managed SGEMM vs OpenBLAS cblas_sgemm in GFLOP/s on transformer-shaped products (C = A B^T, the
/// y = x W^T of Linear layers). OpenBLAS reads OPENBLAS_CORETYPE when it loads, so it is measured in child processes
/// with the variable unset and set to Haswell; the managed kernels run in this process.</summary>
internal sealed class GemmBenchmark : IBenchmarkSuite
{
    public string Name => "gemm";
    public string Description => "Managed Vector512 SGEMM vs OpenBLAS (OPENBLAS_CORETYPE unset and =Haswell), GFLOP/s and ratios.";

    /// <summary>(label, M, N, K): square, Qwen2.5-0.5B prefill projections (T=128), and a decode GEMV.</summary>
    private static readonly (string Label, int M, int N, int K)[] Shapes =
    [
        ("square 1024", 1024, 1024, 1024),
        ("qkv 128x896x896", 128, 896, 896),
        ("mlp-up 128x4864x896", 128, 4864, 896),
        ("mlp-down 128x896x4864", 128, 896, 4864),
        ("decode 1x4864x896", 1, 4864, 896),
    ];

    public int Run(string[] args)
    {
        if (args.Contains("--child-openblas"))
        {
            if (!Gemm.OpenBlasAvailable) { Console.WriteLine("unavailable"); return 0; }
            foreach (var s in Shapes) Console.WriteLine(Measure(s, GemmProvider.OpenBlas).ToString("R", CultureInfo.InvariantCulture));
            return 0;
        }
        Console.WriteLine($"SGEMM C = A B^T, {Environment.ProcessorCount} threads, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}");
        var managed = Shapes.Select(s => Measure(s, GemmProvider.Managed)).ToArray();
        var unset = Child(null);
        var haswell = Child("Haswell");
        Console.WriteLine($"{"shape",-24} {"managed",9} {"openblas",9} {"ratio",6} {"ob Haswell",11} {"ratio",6}   (GFLOP/s; ratio = managed / OpenBLAS)");
        for (int i = 0; i < Shapes.Length; i++)
        {
            string Cell(double[]? v) => v is null ? "n/a" : v[i].ToString("F1", CultureInfo.InvariantCulture);
            string Ratio(double[]? v) => v is null ? "n/a" : (managed[i] / v[i]).ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine($"{Shapes[i].Label,-24} {managed[i],9:F1} {Cell(unset),9} {Ratio(unset),6} {Cell(haswell),11} {Ratio(haswell),6}");
        }
        return 0;
    }

    private static double Measure((string Label, int M, int N, int K) s, GemmProvider provider)
    {
        var rng = new Random(1);
        var a = new float[s.M * s.K]; var b = new float[s.N * s.K]; var c = new float[s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        void Once() => Gemm.Run(a, s.K, b, s.K, true, c, s.N, s.M, s.N, s.K, false, provider);
        Once(); Once();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        int reps = 0;
        while (total.Elapsed.TotalSeconds < 1.0 || reps < 3)
        {
            var sw = Stopwatch.StartNew();
            Once();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            reps++;
        }
        return 2.0 * s.M * s.N * s.K / best / 1e9;
    }

    /// <summary>Runs this suite's OpenBLAS half in a child process with OPENBLAS_CORETYPE unset or set.</summary>
    private static double[]? Child(string? coreType)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string host = Environment.ProcessPath!;
        psi.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(typeof(GemmBenchmark).Assembly.Location);
        psi.ArgumentList.Add("gemm");
        psi.ArgumentList.Add("--child-openblas");
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        if (coreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = coreType;
        psi.Environment["HONESTY_BLAS"] = "managed"; // the child picks the provider explicitly per measurement
        using var p = Process.Start(psi)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        if (lines.Length == 0 || lines[0] == "unavailable") return null;
        return lines.Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
    }
}
