using System.Diagnostics;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Tests.Support;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>kill -9 mid-run, then rerun: the rerun finishes the rest, reuses what was done, and the final samples and
/// metrics are identical to an uninterrupted run. The run host is this test assembly started as a child process
/// (see ChildHost/Program.cs) so it can really be killed.</summary>
[Collection(TestPluginsCollection.Name)]
public sealed class KillResumeTests(TestPluginsFixture plugins)
{
    private const int Cells = 8; // SlowMeanDiff: Layer {0..3} x Round {1, 2} on one testbed

    [Fact]
    public void Killed_run_resumes_to_the_same_results_as_an_uninterrupted_run()
    {
        using var dir = new TempDir();
        var root = plugins.PluginsRoot(dir, "HonestProbes");
        string[] Args(string cache, string outDir) =>
            ["run", "--plugins", root, "--cache", cache, "--out", outDir, "--methods", "SlowMeanDiff", "--testbeds", "synthetic-sales", "--seed", "3"];

        // 1. Start, wait until some (not all) cells are on disk, kill -9.
        var cellsDir = Path.Combine(dir.Sub("cache"), "cells", "synthetic-sales");
        using (var child = Start(Args(dir.Sub("cache"), dir.Sub("out-killed")), slowMs: 700))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (CellFiles(cellsDir) < 2 && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            if (child.HasExited)
                Assert.Fail($"the child run ended before it could be killed:\n{child.StandardOutput.ReadToEnd()}{child.StandardError.ReadToEnd()}");
            child.Kill(); // SIGKILL on Unix: no cleanup runs
            child.WaitForExit();
        }
        int survived = CellFiles(cellsDir);
        Assert.True(survived >= 2 && survived < Cells, $"{survived} of {Cells} cells were on disk when the run was killed");
        Assert.False(File.Exists(Path.Combine(dir.Sub("out-killed"), SamplesFile.FileName)));

        // 2. Rerun with the same cache: it redoes only the missing cells.
        var resumed = RunToEnd(Args(dir.Sub("cache"), dir.Sub("out-resumed")), slowMs: 0);
        Assert.Contains($"done: {Cells - survived} executed, {survived} cached", resumed);
        Assert.Equal(Cells, CellFiles(cellsDir)); // nothing duplicated

        // 3. An uninterrupted run in a fresh cache.
        var fresh = RunToEnd(Args(dir.Sub("cache-fresh"), dir.Sub("out-fresh")), slowMs: 0);
        Assert.Contains($"done: {Cells} executed, 0 cached", fresh);

        Assert.Equal(File.ReadAllText(Path.Combine(dir.Sub("out-fresh"), SamplesFile.FileName)),
                     File.ReadAllText(Path.Combine(dir.Sub("out-resumed"), SamplesFile.FileName)));
        var a = ResultsFile.Read(Path.Combine(dir.Sub("out-fresh"), ResultsFile.FileName)).Cells;
        var b = ResultsFile.Read(Path.Combine(dir.Sub("out-resumed"), ResultsFile.FileName)).Cells;
        Assert.Equal(Cells, a.Count);
        Assert.Equal(a.Select(c => (c.Testbed, c.Method, c.Status, c.N, c.CacheKey)), b.Select(c => (c.Testbed, c.Method, c.Status, c.N, c.CacheKey)));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Metrics.Keys.Order(), b[i].Metrics.Keys.Order());
            foreach (var key in a[i].Metrics.Keys) Assert.Equal(a[i].Metrics[key], b[i].Metrics[key]);
        }
    }

    private static int CellFiles(string dir) => Directory.Exists(dir) ? Directory.GetFiles(dir, "*.json").Length : 0;

    private static Process Start(string[] args, int slowMs)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(ChildHost.Program).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SLOW_PROBE_MS"] = slowMs.ToString();
        return Process.Start(psi)!;
    }

    private static string RunToEnd(string[] args, int slowMs)
    {
        using var child = Start(args, slowMs);
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(3)), "child run timed out");
        Assert.True(child.ExitCode == 0, $"child run failed ({child.ExitCode}):\n{stdout.Result}{stderr.Result}");
        return stdout.Result;
    }
}
