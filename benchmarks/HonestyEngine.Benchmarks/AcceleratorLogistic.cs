using System.Diagnostics;
using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;
using HonestyEngine.Compute.Logistic;

namespace HonestyEngine.Benchmarks;

/// <summary><c>logistic --device cuda:0</c>: the logistic fit on an ILGPU accelerator, on the data and options of the CPU
/// benchmark (without scikit-learn, which GPU machines lack). Per size and format: whole fits through the contract (x
/// uploaded per fit, as a method calls it), one CPU-backend fit of the same data for the objective and accuracies, and one
/// loss+gradient pass with x resident, in GB/s of x against a device-to-device copy of the same bytes, alternating.</summary>
internal static class AcceleratorLogistic
{
    public static int Run(string id, List<(int N, int D)> sizes, string[] formats, double l2, int maxIter, int repeats)
    {
        if (IlgpuDevices.Find(id) is null)
        {
            Console.Error.WriteLine(IlgpuDevices.NotPresent(id));
            return 2;
        }
        var gpu = new IlgpuActivationCompute(id);
        var cpu = new CpuActivationCompute();
        Console.WriteLine($"Logistic regression on {gpu.Name}: L2 = {l2}, tolerance {LogisticBenchmark.SklearnTol} / n_train, max_iter = {maxIter}; " +
                          $"{repeats} fits each, then one on the CPU backend ({cpu.Name})");
        int status = 0;
        foreach (var (n, d) in sizes)
        {
            int nTrain = n * 4 / 5;
            var (x, y) = LogisticBenchmark.Generate(n, d, seed: n + d);
            foreach (var format in formats)
            {
                BFloat16[]? xBf16 = null;
                if (format == "bf16")
                {
                    xBf16 = new BFloat16[x.Length];
                    BFloat16.FromSingle(x, xBf16);
                    BFloat16.ToSingle(xBf16, x);
                }
                var options = new LogisticOptions(L2: l2, MaxIterations: maxIter, Tolerance: LogisticBenchmark.SklearnTol / nTrain);
                LinearModel Fit(IActivationCompute c, int rows, LogisticOptions o) => xBf16 is null
                    ? c.FitLogistic(x.AsSpan(0, rows * d), rows, d, y.AsSpan(0, rows), o)
                    : c.FitLogistic(xBf16.AsSpan(0, rows * d), rows, d, y.AsSpan(0, rows), o);
                Fit(gpu, 512, options with { MaxIterations = 3 }); // kernel compilation
                var times = new List<double>();
                LinearModel model = null!;
                for (int rep = 0; rep < repeats; rep++)
                {
                    var sw = Stopwatch.StartNew();
                    model = Fit(gpu, nTrain, options);
                    times.Add(sw.Elapsed.TotalSeconds);
                }
                var gpuFit = gpu.LastFit!;
                var cpuWatch = Stopwatch.StartNew();
                var cpuModel = Fit(cpu, nTrain, options);
                double cpuSeconds = cpuWatch.Elapsed.TotalSeconds;
                var cpuFit = cpu.LastFit!;
                Console.WriteLine();
                Console.WriteLine($"{n} x {d} {(xBf16 is null ? "float32" : "bfloat16")} ({nTrain} train / {n - nTrain} test rows):");
                PrintPassSpeed(gpu, x, xBf16, y, nTrain, d);
                Console.WriteLine($"  {"",-14} {"fit s",9} {"iters",6} {"evals",6} {"train acc",10} {"test acc",9} {"objective",16}");
                Console.WriteLine($"  {"accelerator",-14} {LogisticBenchmark.Median(times),9:F3} {gpuFit.Iterations,6} {gpuFit.Evaluations,6} " +
                                  $"{LogisticBenchmark.Accuracy(x, y, 0, nTrain, d, model),10:F4} {LogisticBenchmark.Accuracy(x, y, nTrain, n, d, model),9:F4} " +
                                  $"{gpuFit.Objective,16:G10}  ({gpuFit.StopReason}; fits {string.Join(" ", times.Select(t => t.ToString("F3")))} s)");
                Console.WriteLine($"  {"cpu backend",-14} {cpuSeconds,9:F3} {cpuFit.Iterations,6} {cpuFit.Evaluations,6} " +
                                  $"{LogisticBenchmark.Accuracy(x, y, 0, nTrain, d, cpuModel),10:F4} {LogisticBenchmark.Accuracy(x, y, nTrain, n, d, cpuModel),9:F4} " +
                                  $"{cpuFit.Objective,16:G10}  ({cpuFit.StopReason}; one fit)");
                double gap = Math.Abs(gpuFit.Objective - cpuFit.Objective) / Math.Abs(cpuFit.Objective);
                bool ok = gap <= 1e-6;
                if (!ok) status = 1;
                Console.WriteLine($"  objective relative difference accelerator vs cpu: {gap:G3} ({(ok ? "ok" : "FAIL")}, limit 1e-6)");
            }
        }
        return status;
    }

    /// <summary>One loss+gradient evaluation with x resident (best of 9), alternating with a device-to-device copy of x.</summary>
    private static void PrintPassSpeed(IlgpuActivationCompute gpu, float[] x, BFloat16[]? xBf16, float[] y, int nTrain, int d)
    {
        long elems = (long)nTrain * d;
        using var loss = xBf16 is null
            ? new IlgpuLogisticLoss(gpu, x.AsSpan(0, (int)elems), nTrain, d, y.AsSpan(0, nTrain))
            : new IlgpuLogisticLoss(gpu, xBf16.AsSpan(0, (int)elems), nTrain, d, y.AsSpan(0, nTrain));
        var w = new double[d];
        var g = new double[d];
        for (int j = 0; j < d; j++) w[j] = 0.01 * Math.Sin(j);
        loss.Evaluate(w, 0.1, g, out _);
        double pass = double.MaxValue, copy = double.MaxValue;
        if (xBf16 is null)
        {
            using var source = gpu.Upload<float>(x.AsSpan(0, (int)elems));
            using var target = gpu.Device.Allocate<float>(elems);
            gpu.CopyResident(source, target);
            for (int rep = 0; rep < 9; rep++)
            {
                copy = Math.Min(copy, Time(() => gpu.CopyResident(source, target)));
                pass = Math.Min(pass, Time(() => loss.Evaluate(w, 0.1, g, out _)));
            }
        }
        else
        {
            using var source = gpu.Upload<ushort>(MemoryMarshal.Cast<BFloat16, ushort>(xBf16.AsSpan(0, (int)elems)));
            using var target = gpu.Device.Allocate<ushort>(elems);
            gpu.CopyResident(source, target);
            for (int rep = 0; rep < 9; rep++)
            {
                copy = Math.Min(copy, Time(() => gpu.CopyResident(source, target)));
                pass = Math.Min(pass, Time(() => loss.Evaluate(w, 0.1, g, out _)));
            }
        }
        int bytesPer = xBf16 is null ? 4 : 2;
        double gbps = elems * bytesPer / pass / 1e9, copyGbps = 2.0 * elems * bytesPer / copy / 1e9;
        Console.WriteLine($"  one loss+gradient pass (x resident, best of 9): {pass * 1e3:F3} ms = {gbps:F0} GB/s of x (it reads x twice: x w, then X^T r); " +
                          $"device-to-device copy of x: {copyGbps:F0} GB/s read + write ({gbps / copyGbps:F2} of it)");
    }

    private static double Time(Action body)
    {
        var sw = Stopwatch.StartNew();
        body();
        return sw.Elapsed.TotalSeconds;
    }
}
