using System.Diagnostics;
using System.Globalization;
using HonestyEngine.Testbeds.Build;

namespace HonestyEngine.Benchmarks;

/// <summary>`testbeds`: the whole suite built from scratch (world, tokenizer, data, base model, every adapter) into an
/// empty folder, as `honesty testbeds build` does, against issue 4's limit of 30 minutes on 2 cores. Prints each stage's
/// wall time and the load average before and after, because on a shared machine the wall clock mostly measures the
/// other jobs.</summary>
internal sealed class TestbedsBenchmark : IBenchmarkSuite
{
    private const double LimitMinutes = 30;

    public string Name => "testbeds";
    public string Description => "build the testbed suite from scratch into a temp folder, per-stage minutes vs the 30-min limit; args: [--profile full|mini] [--keep]";

    public int Run(string[] args)
    {
        string profile = ScoringBenchmark.ArgValue(args, "--profile") ?? "full";
        string root = Path.Combine(Path.GetTempPath(), "he-testbeds-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"testbeds build from scratch: profile {profile}, {Environment.ProcessorCount} cores, GEMM provider " +
                          $"{Runtime.Numerics.Gemm.Provider}, into {root}; load average before: {LoadAverage()}");
        var total = Stopwatch.StartNew();
        IReadOnlyList<StageOutcome> stages;
        try
        {
            stages = new TestbedBuilder().Build(new BuildOptions(root, Profile: profile), line => Console.WriteLine("  " + line));
        }
        finally
        {
            if (!args.Contains("--keep")) try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
        double minutes = total.Elapsed.TotalMinutes;
        Console.WriteLine();
        Console.WriteLine($"{"stage",-40} {"status",-8} {"minutes",8}");
        foreach (var s in stages)
            Console.WriteLine($"{ScoringBenchmark.Trim(s.Stage, 40),-40} {s.Status,-8} {(s.Seconds / 60).ToString("F2", CultureInfo.InvariantCulture),8}");
        Console.WriteLine($"{"total",-40} {"",-8} {minutes.ToString("F2", CultureInfo.InvariantCulture),8}   " +
                          $"= {(minutes / LimitMinutes).ToString("F2", CultureInfo.InvariantCulture)} of the {LimitMinutes:F0}-minute limit; load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>The builder's own reading of /proc/loadavg (1/5/15 min), "n/a" off Linux.</summary>
    private static string LoadAverage() => TestbedBuilder.LoadAverage() ?? "n/a";
}
