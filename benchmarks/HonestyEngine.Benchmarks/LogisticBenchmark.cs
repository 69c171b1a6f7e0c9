using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;

namespace HonestyEngine.Benchmarks;

/// <summary>Probe training: our L-BFGS logistic regression (CPU backend) against scikit-learn's
/// LogisticRegression(solver="lbfgs") on the same data, same objective and same stopping rules
/// (C = 1 / (n L2); sklearn's tol on the summed gradient = our Tolerance * n; scipy's relative-decrease
/// test in both). Engine and scikit-learn fits alternate (--repeats each); prints every fit's time, the medians,
/// iterations, accuracy and the final objective of each, and the speed-up of the medians.
/// Each size runs twice: x as float32, then x rounded to bfloat16 (the dtype models run and export activations in;
/// the engine reads it as stored, and scikit-learn gets exactly the same values as float32, converted to float64
/// as it always does).</summary>
internal sealed class LogisticBenchmark : IBenchmarkSuite
{
    public string Name => "logistic";
    public string Description => "logistic-regression probe training vs scikit-learn; args: [--sizes 20000x1024,100000x4096] [--formats f32,bf16] [--l2 1e-3] [--max-iter 1000] [--threads T] [--repeats 3]; " +
                                 "--device cuda:0 (or another ILGPU accelerator) instead fits there against the CPU backend and a device-to-device copy, without scikit-learn";

    internal const double SklearnTol = 1e-4; // sklearn's default
    private const int SettleMilliseconds = 500;

    public int Run(string[] args)
    {
        var sizes = (ScoringBenchmark.ArgValue(args, "--sizes") ?? "20000x1024,100000x4096").Split(',')
            .Select(s => s.Split('x')).Select(p => (N: int.Parse(p[0]), D: int.Parse(p[1]))).ToList();
        double l2 = double.Parse(ScoringBenchmark.ArgValue(args, "--l2") ?? "1e-3", System.Globalization.CultureInfo.InvariantCulture);
        int maxIter = ScoringBenchmark.IntArg(args, "--max-iter", 1000);
        int threads = ScoringBenchmark.IntArg(args, "--threads", Environment.ProcessorCount);
        int repeats = ScoringBenchmark.IntArg(args, "--repeats", 3);
        if (repeats < 1) { Console.Error.WriteLine($"--repeats must be at least 1, got {repeats}."); return 2; }
        var formats = (ScoringBenchmark.ArgValue(args, "--formats") ?? "f32,bf16").Split(',');
        if (formats.Any(f => f is not ("f32" or "bf16")))
        {
            Console.Error.WriteLine($"--formats takes f32 and/or bf16, got '{string.Join(",", formats)}'.");
            return 2;
        }
        if (ScoringBenchmark.ArgValue(args, "--device") is { } device && device != "cpu")
            return AcceleratorLogistic.Run(device, sizes, formats, l2, maxIter, repeats);
        Console.WriteLine($"Logistic regression: L2 = {l2} (sklearn C = 1/(n_train L2)), sklearn tol = {SklearnTol}, max_iter = {maxIter}, " +
                          $"{threads} threads; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
        int status = 0;
        foreach (var (n, d) in sizes)
        {
            int nTrain = n * 4 / 5;
            var (x, y) = Generate(n, d, seed: n + d);
            foreach (var format in formats)
            {
                BFloat16[]? xBf16 = null;
                if (format == "bf16")
                {
                    // From here on x holds the bfloat16 values widened: sklearn and the accuracies see what the engine fits.
                    xBf16 = new BFloat16[x.Length];
                    BFloat16.FromSingle(x, xBf16);
                    BFloat16.ToSingle(xBf16, x);
                }
                status |= RunOne(x, xBf16, y, n, d, nTrain, l2, maxIter, threads, repeats, args.Contains("--trace"));
            }
        }
        return status;
    }

    private static int RunOne(float[] x, BFloat16[]? xBf16, float[] y, int n, int d, int nTrain, double l2, int maxIter, int threads, int repeats, bool trace)
    {
        string format = xBf16 is null ? "float32" : "bfloat16";
        var compute = new CpuActivationCompute(threads);
        if (trace) compute.Trace = Console.WriteLine;
        var options = new LogisticOptions(L2: l2, MaxIterations: maxIter, Tolerance: SklearnTol / nTrain);
        // The first `rows` rows, in the format under test.
        LinearModel Fit(int rows, LogisticOptions o) => xBf16 is null
            ? compute.FitLogistic(x.AsSpan(0, rows * d), rows, d, y.AsSpan(0, rows), o)
            : compute.FitLogistic(xBf16.AsSpan(0, rows * d), rows, d, y.AsSpan(0, rows), o);
        // Warm the JIT on a small slice first, as sklearn's timing starts after its imports.
        Fit(512, options with { MaxIterations = 3 });
        PrintPassSpeed(x, xBf16, y, nTrain, d, threads);

        string dir = Path.Combine(Path.GetTempPath(), "he-logistic-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            string xPath = Path.Combine(dir, "x.f32"), yPath = Path.Combine(dir, "y.u8");
            using (var fs = File.Create(xPath)) fs.Write(MemoryMarshal.AsBytes(x.AsSpan()));
            File.WriteAllBytes(yPath, y.Select(v => (byte)v).ToArray());
            using var peer = SklearnLogisticPeer.Start(xPath, yPath, n, d, nTrain, 1.0 / (nTrain * l2), maxIter, SklearnTol, threads);
            if (peer is null) return 1;
            // Engine and scikit-learn fits alternate, so a burst of load from other tenants of the machine lands on
            // both sides rather than on one side's only run.
            var ours = new List<(double Wall, double Cpu)>();
            var theirs = new List<JsonElement>();
            LinearModel model = null!;
            for (int rep = 0; rep < repeats; rep++)
            {
                // OpenBLAS's idle workers spin for a while after a call (and ours for 200 us): a pause before each fit
                // keeps one side's spinning threads from taking cores from the other's fit.
                Thread.Sleep(SettleMilliseconds);
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                model = Fit(nTrain, options);
                ours.Add((sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds));
                Thread.Sleep(SettleMilliseconds);
                var sk = peer.Fit();
                if (sk is null) return 1;
                theirs.Add(sk.Value);
            }
            var result = compute.LastFit!;
            var last = theirs[^1];
            double oursTrainAcc = Accuracy(x, y, 0, nTrain, d, model), oursTestAcc = Accuracy(x, y, nTrain, n, d, model);
            double oursWall = Median(ours.Select(o => o.Wall)), oursCpu = Median(ours.Select(o => o.Cpu));
            double skWall = Median(theirs.Select(t => t.GetProperty("fit_seconds").GetDouble()));
            double skCpu = Median(theirs.Select(t => t.GetProperty("cpu_seconds").GetDouble()));
            var pairRatios = theirs.Select((t, i) => t.GetProperty("fit_seconds").GetDouble() / ours[i].Wall).ToList();
            Console.WriteLine();
            Console.WriteLine($"{n} x {d} {format} ({nTrain} train / {n - nTrain} test rows), sklearn {last.GetProperty("sklearn").GetString()}, " +
                              $"median of {repeats} alternating fits each:");
            Console.WriteLine($"  {"",-22} {"fit s",9} {"cpu s",7} {"iters",6} {"train acc",10} {"test acc",9} {"objective",14}");
            Console.WriteLine($"  {"engine (cpu L-BFGS)",-22} {oursWall,9:F2} {oursCpu,7:F2} {result.Iterations,6} {oursTrainAcc,10:F4} {oursTestAcc,9:F4} {result.Objective,14:G9}  ({result.StopReason}, {result.Evaluations} evals)");
            Console.WriteLine($"  {"scikit-learn lbfgs",-22} {skWall,9:F2} {skCpu,7:F2} {last.GetProperty("n_iter").GetInt32(),6} " +
                              $"{last.GetProperty("train_accuracy").GetDouble(),10:F4} {last.GetProperty("test_accuracy").GetDouble(),9:F4} " +
                              $"{last.GetProperty("objective").GetDouble(),14:G9}  (converged: {last.GetProperty("converged").GetBoolean()})");
            Console.WriteLine($"  fits, engine: {string.Join(" ", ours.Select(o => o.Wall.ToString("F3")))} s; scikit-learn: " +
                              $"{string.Join(" ", theirs.Select(t => t.GetProperty("fit_seconds").GetDouble().ToString("F3")))} s");
            Console.WriteLine($"  speed-up: {skWall / oursWall:F1}x wall (medians; pairs {pairRatios.Min():F1}-{pairRatios.Max():F1}x), {skCpu / oursCpu:F1}x cpu time (target >= 5x); " +
                              $"objective difference engine - sklearn: {result.Objective - last.GetProperty("objective").GetDouble():G3}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>One loss+gradient evaluation (a pass over the training rows) in GB/s of x read, against the
    /// read bandwidth of a plain sum loop over the same rows, alternating so both see the same machine load: how close the pass is to its memory bound.</summary>
    private static unsafe void PrintPassSpeed(float[] x, BFloat16[]? xBf16, float[] y, int nTrain, int d, int threads)
    {
        double pass = double.MaxValue, read = 0, aligned = 0;
        using var alignedBuffer = new BandwidthProbe.AlignedBuffer((long)nTrain * d); // as many bytes as the float32 x
        fixed (float* px = x) fixed (BFloat16* pxb = xBf16) fixed (float* py = y)
        {
            HonestyEngine.Compute.Logistic.ILogisticLoss loss = xBf16 is null
                ? new HonestyEngine.Compute.Logistic.CpuLogisticLoss<HonestyEngine.Compute.Logistic.Float32Rows>(px, py, nTrain, d, threads)
                : new HonestyEngine.Compute.Logistic.CpuLogisticLoss<HonestyEngine.Compute.Logistic.BFloat16Rows>(pxb, py, nTrain, d, threads);
            var w = new double[d];
            var g = new double[d];
            for (int j = 0; j < d; j++) w[j] = 0.01 * Math.Sin(j);
            for (int rep = 0; rep < 9; rep++)
            {
                read = Math.Max(read, BandwidthProbe.ReadGBps(x, threads, repeats: 1));
                aligned = Math.Max(aligned, alignedBuffer.ReadGBps(threads));
                pass = Math.Min(pass, BandwidthProbe.BestSeconds(() => loss.Evaluate(w, 0.1, g, out _), repeats: 1));
            }
        }
        double gbps = (double)nTrain * d * (xBf16 is null ? 4 : 2) / pass / 1e9;
        Console.WriteLine($"  {nTrain} x {d} {(xBf16 is null ? "float32" : "bfloat16")}: one loss+gradient pass (best of 9) {pass * 1e3:F2} ms = {gbps:F1} GB/s of x; " +
                          $"read bandwidth: {read:F1} GB/s over the float32 x array, alternating ({gbps / read:F2} of it), {aligned:F1} GB/s 64-byte aligned, alternating ({gbps / aligned:F2})");
    }

    /// <summary>Activation-like data: Gaussian features, labels drawn from a logistic model on a random direction.</summary>
    internal static (float[] X, float[] Y) Generate(int n, int d, int seed)
    {
        var x = new float[(long)n * d];
        var truth = new float[d];
        var rng = new Random(seed);
        for (int j = 0; j < d; j++) truth[j] = (float)(Gauss(rng) * 3 / Math.Sqrt(d));
        var y = new float[n];
        Parallel.For(0, n, i =>
        {
            var r = new Random(seed * 7919 + i);
            var row = x.AsSpan(i * d, d);
            double z = 0.2;
            for (int j = 0; j < d; j++) { row[j] = (float)Gauss(r); z += row[j] * truth[j]; }
            y[i] = r.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
        });
        return (x, y);
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    internal static double Accuracy(float[] x, float[] y, int r0, int r1, int d, LinearModel m)
    {
        int correct = 0;
        for (int i = r0; i < r1; i++)
        {
            float z = System.Numerics.Tensors.TensorPrimitives.Dot(x.AsSpan(i * d, d), m.Weights) + m.Bias;
            if ((z > 0 ? 1 : 0) == (int)y[i]) correct++;
        }
        return r1 > r0 ? (double)correct / (r1 - r0) : double.NaN;
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
