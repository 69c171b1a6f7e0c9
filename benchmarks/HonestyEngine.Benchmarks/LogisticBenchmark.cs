using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;

namespace HonestyEngine.Benchmarks;

/// <summary>Probe training: our L-BFGS logistic regression (CPU backend) against scikit-learn's
/// LogisticRegression(solver="lbfgs") on the same data, same objective and same stopping rules
/// (C = 1 / (n L2); sklearn's tol on the summed gradient = our Tolerance * n; scipy's relative-decrease
/// test in both). Prints fit time, iterations, accuracy and the final objective of each, and the speed-up.</summary>
internal sealed class LogisticBenchmark : IBenchmarkSuite
{
    public string Name => "logistic";
    public string Description => "logistic-regression probe training vs scikit-learn; args: [--sizes 20000x1024,100000x4096] [--l2 1e-3] [--max-iter 1000] [--threads T]";

    public int Run(string[] args)
    {
        var sizes = (ScoringBenchmark.ArgValue(args, "--sizes") ?? "20000x1024,100000x4096").Split(',')
            .Select(s => s.Split('x')).Select(p => (N: int.Parse(p[0]), D: int.Parse(p[1]))).ToList();
        double l2 = double.Parse(ScoringBenchmark.ArgValue(args, "--l2") ?? "1e-3", System.Globalization.CultureInfo.InvariantCulture);
        int maxIter = ScoringBenchmark.IntArg(args, "--max-iter", 1000);
        int threads = ScoringBenchmark.IntArg(args, "--threads", Environment.ProcessorCount);
        const double SklearnTol = 1e-4; // sklearn's default
        Console.WriteLine($"Logistic regression: L2 = {l2} (sklearn C = 1/(n_train L2)), sklearn tol = {SklearnTol}, max_iter = {maxIter}, " +
                          $"{threads} threads; OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}");
        int status = 0;
        foreach (var (n, d) in sizes)
        {
            int nTrain = n * 4 / 5;
            var (x, y) = Generate(n, d, seed: n + d);
            var compute = new CpuActivationCompute(threads);
            if (args.Contains("--trace")) compute.Trace = Console.WriteLine;
            var options = new LogisticOptions(L2: l2, MaxIterations: maxIter, Tolerance: SklearnTol / nTrain);
            // Warm the JIT on a small slice first, as sklearn's timing starts after its imports.
            compute.FitLogistic(x.AsSpan(0, 512 * d), 512, d, y.AsSpan(0, 512), options with { MaxIterations = 3 });
            PrintPassSpeed(x, y, nTrain, d, threads);
            var xTrain = x.AsSpan(0, nTrain * d);
            var yTrain = y.AsSpan(0, nTrain);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var model = compute.FitLogistic(xTrain, nTrain, d, yTrain, options);
            double ours = sw.Elapsed.TotalSeconds;
            double oursCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            var fit = compute.LastFit!;
            double oursTrainAcc = Accuracy(x, y, 0, nTrain, d, model), oursTestAcc = Accuracy(x, y, nTrain, n, d, model);

            string dir = Path.Combine(Path.GetTempPath(), "he-logistic-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dir);
            try
            {
                string xPath = Path.Combine(dir, "x.f32"), yPath = Path.Combine(dir, "y.u8");
                using (var fs = File.Create(xPath)) fs.Write(MemoryMarshal.AsBytes(x.AsSpan()));
                File.WriteAllBytes(yPath, y.Select(v => (byte)v).ToArray());
                double c = 1.0 / (nTrain * l2);
                var sk = RunSklearn(xPath, yPath, n, d, nTrain, c, maxIter, SklearnTol, threads);
                if (sk is null) { status = 1; continue; }
                double skSeconds = sk.Value.GetProperty("fit_seconds").GetDouble();
                Console.WriteLine();
                Console.WriteLine($"{n} x {d} ({nTrain} train / {n - nTrain} test rows), sklearn {sk.Value.GetProperty("sklearn").GetString()}:");
                Console.WriteLine($"  {"",-22} {"fit s",9} {"cpu s",7} {"iters",6} {"train acc",10} {"test acc",9} {"objective",14}");
                Console.WriteLine($"  {"engine (cpu L-BFGS)",-22} {ours,9:F2} {oursCpu,7:F2} {fit.Iterations,6} {oursTrainAcc,10:F4} {oursTestAcc,9:F4} {fit.Objective,14:G9}  ({fit.StopReason}, {fit.Evaluations} evals)");
                double skCpu = sk.Value.GetProperty("cpu_seconds").GetDouble();
                Console.WriteLine($"  {"scikit-learn lbfgs",-22} {skSeconds,9:F2} {skCpu,7:F2} {sk.Value.GetProperty("n_iter").GetInt32(),6} " +
                                  $"{sk.Value.GetProperty("train_accuracy").GetDouble(),10:F4} {sk.Value.GetProperty("test_accuracy").GetDouble(),9:F4} " +
                                  $"{sk.Value.GetProperty("objective").GetDouble(),14:G9}  (converged: {sk.Value.GetProperty("converged").GetBoolean()})");
                Console.WriteLine($"  speed-up: {skSeconds / ours:F1}x wall, {skCpu / oursCpu:F1}x cpu time (target >= 5x); objective difference engine - sklearn: {fit.Objective - sk.Value.GetProperty("objective").GetDouble():G3}");
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        return status;
    }

    /// <summary>One loss+gradient evaluation (a pass over the training rows) in GB/s of x read, against the
    /// read bandwidth of a plain sum loop over the same rows, alternating so both see the same machine load: how close the pass is to its memory bound.</summary>
    private static unsafe void PrintPassSpeed(float[] x, float[] y, int nTrain, int d, int threads)
    {
        double pass = double.MaxValue, read = 0;
        fixed (float* px = x) fixed (float* py = y)
        {
            var loss = new HonestyEngine.Compute.Logistic.CpuLogisticLoss(px, py, nTrain, d, threads);
            var w = new double[d];
            var g = new double[d];
            for (int j = 0; j < d; j++) w[j] = 0.01 * Math.Sin(j);
            for (int rep = 0; rep < 9; rep++)
            {
                read = Math.Max(read, BandwidthProbe.ReadGBps(x, threads, repeats: 1));
                pass = Math.Min(pass, BandwidthProbe.BestSeconds(() => loss.Evaluate(w, 0.1, g, out _), repeats: 1));
            }
        }
        double gbps = (double)nTrain * d * 4 / pass / 1e9;
        Console.WriteLine($"  {nTrain} x {d}: one loss+gradient pass (best of 9) {pass * 1e3:F2} ms = {gbps:F1} GB/s of x; read bandwidth (sum loop over x, alternating) {read:F1} GB/s ({gbps / read:F2} of it)");
    }

    private static JsonElement? RunSklearn(string xPath, string yPath, int n, int d, int nTrain, double c, int maxIter, double tol, int threads)
    {
        string script = Path.Combine(RepoRoot(), "benchmarks", "python", "sklearn_logistic.py");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo("/usr/bin/python3",
            [script, xPath, yPath, n.ToString(inv), d.ToString(inv), nTrain.ToString(inv), c.ToString("R", inv), maxIter.ToString(inv), tol.ToString("R", inv)])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        // Same thread count on both sides (numpy/scipy's BLAS reads these at start-up).
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(inv);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(inv);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"scikit-learn run failed (exit {p.ExitCode}):\n{stderr.Result}");
            return null;
        }
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    /// <summary>Activation-like data: Gaussian features, labels drawn from a logistic model on a random direction.</summary>
    private static (float[] X, float[] Y) Generate(int n, int d, int seed)
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

    private static double Accuracy(float[] x, float[] y, int r0, int r1, int d, LinearModel m)
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
