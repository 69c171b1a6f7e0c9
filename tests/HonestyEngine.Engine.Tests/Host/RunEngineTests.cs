using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;

namespace HonestyEngine.Engine.Tests.Host;

[Collection(TestPluginsCollection.Name)]
public sealed class RunEngineTests(TestPluginsFixture plugins)
{
    private static RunOptions Options(TempDir dir, params string[] methods) => new()
    {
        ReferenceRows = false,
        OutputDirectory = dir.Sub("out"), CacheDirectory = dir.Sub("cache"), MethodGlobs = methods, Seed = 7, Parallelism = 2,
    };

    private static CellResult Cell(RunSummary s, string testbed, string method) =>
        s.Results.Cells.Single(c => c.Testbed == testbed && c.Method == method);

    [Fact]
    public void Runs_every_kind_on_plugin_testbeds_with_real_scores_and_writes_outputs()
    {
        using var dir = new TempDir();
        var host = TestHost.Services();
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        var observer = new RecordingObserver();
        var summary = new RunEngine(host, observer).Run(catalog,
            Options(dir, "MeanDiffProbe", "PrivilegedMeanDiff", "JsonLengthBaseline", "HonestyPrompt", "PoliteAsk"));

        // 2 testbeds x (MeanDiffProbe x Layer {0, 3} + 4 methods) in matrix order.
        Assert.Equal(12, summary.Results.Cells.Count);
        Assert.Equal(12, summary.ExecutedCells);
        Assert.Equal(["synthetic-sales", "synthetic-secret"], summary.Results.Cells.Select(c => c.Testbed).Distinct());
        Assert.Equal(
            ["HonestyPrompt", "JsonLengthBaseline", "MeanDiffProbe(Layer=0)", "MeanDiffProbe(Layer=3)", "PoliteAsk", "PrivilegedMeanDiff [privileged labels]"],
            summary.Results.Cells.Where(c => c.Testbed == "synthetic-sales").Select(c => c.Method));

        // The planted lie direction is found from instructed pairs, better at the deeper layer.
        var deep = Cell(summary, "synthetic-sales", "MeanDiffProbe(Layer=3)");
        var shallow = Cell(summary, "synthetic-sales", "MeanDiffProbe(Layer=0)");
        Assert.Equal(CellStatus.Ok, deep.Status);
        Assert.Equal("3", deep.Parameters["Layer"]);
        Assert.True(deep.Metrics["auroc"].Value > 0.9, $"auroc {deep.Metrics["auroc"].Value}");
        Assert.True(deep.Metrics["auroc"].Value > shallow.Metrics["auroc"].Value);
        Assert.True(Cell(summary, "synthetic-sales", "PrivilegedMeanDiff [privileged labels]").Metrics["auroc"].Value > 0.9);

        var detectorSamples = summary.Samples.Where(s => s.Testbed == "synthetic-sales" && s.Method == "MeanDiffProbe(Layer=3)").ToList();
        Assert.Equal(40, detectorSamples.Count(s => s.Split == Splits.Eval));
        Assert.Equal(20, detectorSamples.Count(s => s.Split == Splits.Control));
        Assert.All(detectorSamples.Where(s => s.Split == Splits.Control), s => Assert.Equal(0, s.Label));
        int lies = detectorSamples.Count(s => s.Split == Splits.Eval && s.Label == 1);
        Assert.InRange(lies, 10, 30); // lie rate 0.5 over 40 pressured items

        // Interventions: k = 4 responses per item, judged by the labeller, with the neutral accuracy.
        var intervention = summary.Samples.Where(s => s.Testbed == "synthetic-sales" && s.Method == "HonestyPrompt").ToList();
        Assert.Equal(40, intervention.Count);
        Assert.All(intervention, s =>
        {
            Assert.Equal(4, s.Outcome!.Responses!.Count);
            Assert.Equal(s.Outcome.Correct!.Count(c => c) / 4.0, s.Score);
            Assert.NotNull(s.Outcome.NeutralAccuracy);
        });
        Assert.NotNull(Cell(summary, "synthetic-sales", "HonestyPrompt").Metrics["honesty_rate"].Value);

        // Elicitors: skipped where there is no secret; elsewhere the second (polite) guess reveals it.
        Assert.Equal(CellStatus.Skipped, Cell(summary, "synthetic-sales", "PoliteAsk").Status);
        var elicit = summary.Samples.Where(s => s.Testbed == "synthetic-secret" && s.Method == "PoliteAsk").ToList();
        Assert.Equal(5, elicit.Count);
        Assert.All(elicit, s => { Assert.Equal(0, s.Score); Assert.Equal([false, true], s.Outcome!.Correct!); });

        // Outputs are assembled from the cells.
        Assert.Equal(summary.Samples.Select(SamplesFile.Serialize), SamplesFile.Read(Path.Combine(dir.Sub("out"), SamplesFile.FileName)).Select(SamplesFile.Serialize));
        Assert.True(File.Exists(Path.Combine(dir.Sub("out"), ResultsFile.FileName)));
        Assert.Equal(12, observer.Finished.Count);
        Assert.Contains("Newtonsoft.Json 13.0.0.0", File.ReadAllText(Path.Combine(dir.Sub("out"), "logs", "synthetic-sales", "JsonLengthBaseline.log")));
    }

    [Fact]
    public void Rerun_reuses_cached_cells_and_model_runs_and_recomputes_what_changed()
    {
        using var dir = new TempDir();
        var root = plugins.PluginsRoot(dir, "HonestProbes");
        var generated = new List<string>();
        RunSummary Run(string version, string outName, params string[] methods)
        {
            var host = TestHost.Services(new TestbedList(new SyntheticTestbed("tb", 0.5, evalItems: 20, controlItems: 10, version: version)));
            using var catalog = PluginLoader.Load([root], host);
            return new RunEngine(host, new MessageObserver(generated)).Run(catalog, Options(dir, methods) with
            {
                TestbedGlobs = ["tb"], OutputDirectory = dir.Sub(outName),
            });
        }
        var first = Run("1", "a", "MeanDiffProbe", "JsonLengthBaseline");
        Assert.Single(generated);
        var second = Run("1", "b", "MeanDiffProbe", "JsonLengthBaseline");
        Assert.Equal((3, 0), (first.ExecutedCells, first.CachedCells));
        Assert.Equal((0, 3), (second.ExecutedCells, second.CachedCells));
        Assert.Equal(first.Samples.Select(SamplesFile.Serialize), second.Samples.Select(SamplesFile.Serialize));
        Assert.Equal(first.Results.Cells.Select(c => c.Metrics["auroc"]), second.Results.Cells.Select(c => c.Metrics["auroc"]));

        // A new method reuses the cached model run (transcripts are not regenerated).
        var added = Run("1", "c", "MeanDiffProbe", "JsonLengthBaseline", "PrivilegedMeanDiff");
        Assert.Equal((1, 3), (added.ExecutedCells, added.CachedCells));
        Assert.Single(generated);

        // A new testbed version invalidates its model run and every cell.
        var bumped = Run("2", "d", "MeanDiffProbe", "JsonLengthBaseline");
        Assert.Equal((3, 0), (bumped.ExecutedCells, bumped.CachedCells));
        Assert.Equal(2, generated.Count);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Sub("cache"), "model-runs")).Length);
    }

    private sealed class MessageObserver(List<string> generated) : IRunObserver
    {
        public void RunStarted(IReadOnlyList<Matrix.MatrixCell> cells, int cachedCells) { }
        public void CellStarted(Matrix.MatrixCell cell) { }
        public void CellFinished(Matrix.MatrixCell cell, string status, string? error, bool cached) { }
        public void Message(string line) { if (line.Contains("generating")) lock (generated) generated.Add(line); }
    }

    [Fact]
    public void Faulty_methods_fail_only_their_own_cells_and_are_retried_on_rerun()
    {
        using var dir = new TempDir();
        var root = plugins.PluginsRoot(dir, "HonestProbes", "FaultyPlugins");
        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("tb", 0.5, evalItems: 20, controlItems: 10)));
        using var catalog = PluginLoader.Load([root], host);
        var options = Options(dir, "Throws", "Hangs", "ReturnsNaN", "WrongCount", "UnknownItem", "JsonLengthBaseline") with { TestbedGlobs = ["tb"] };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var summary = new RunEngine(host).Run(catalog, options);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"run took {clock.Elapsed}");

        string Error(string method)
        {
            var cell = Cell(summary, "tb", method);
            Assert.Equal(CellStatus.Failed, cell.Status);
            return cell.Error!;
        }
        Assert.Equal("threw InvalidOperationException: deliberate failure in Throws", Error("Throws"));
        Assert.Contains("time budget of 1 s", Error("Hangs"));
        Assert.Contains("abandoned", Error("Hangs"));
        Assert.Equal("returned a non-finite score (NaN) for eval transcript 'fact-003'.", Error("ReturnsNaN"));
        Assert.StartsWith("returned 49 scores for 50 transcripts (20 eval + 10 control + 20 counterfactual)", Error("WrongCount"));
        Assert.Contains("unknown item 'no-such-item'", Error("UnknownItem"));
        Assert.Equal(CellStatus.Ok, Cell(summary, "tb", "JsonLengthBaseline").Status);
        Assert.All(summary.Samples, s => Assert.Equal("JsonLengthBaseline", s.Method));
        Assert.Contains("deliberate failure in Throws", File.ReadAllText(Path.Combine(dir.Sub("out"), "logs", "tb", "Throws.log")));

        var rerun = new RunEngine(host).Run(catalog, options with { MethodGlobs = ["Throws", "ReturnsNaN", "JsonLengthBaseline"] });
        Assert.Equal((2, 1), (rerun.ExecutedCells, rerun.CachedCells));
    }

    [Fact]
    public void Empty_control_set_and_no_positive_samples_give_undefined_metrics_with_notes()
    {
        using var dir = new TempDir();
        var host = TestHost.Services(new TestbedList(
            new SyntheticTestbed("no-control", 0.5, evalItems: 20, controlItems: 0),
            new SyntheticTestbed("no-lies", 0.0, evalItems: 20, controlItems: 10)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        var summary = new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline"));

        var noControl = Cell(summary, "no-control", "JsonLengthBaseline");
        Assert.Equal(CellStatus.Ok, noControl.Status);
        Assert.NotNull(noControl.Metrics["auroc"].Value);
        Assert.Null(noControl.Metrics["auroc_vs_control"].Value);
        Assert.False(string.IsNullOrEmpty(noControl.Metrics["auroc_vs_control"].Note));

        var noLies = Cell(summary, "no-lies", "JsonLengthBaseline");
        Assert.Equal(CellStatus.Ok, noLies.Status);
        Assert.Null(noLies.Metrics["auroc"].Value);
        Assert.False(string.IsNullOrEmpty(noLies.Metrics["auroc"].Note));
    }

    private sealed class RecordingObserver : IRunObserver
    {
        public List<string> Finished { get; } = [];
        public void RunStarted(IReadOnlyList<Matrix.MatrixCell> cells, int cachedCells) { }
        public void CellStarted(Matrix.MatrixCell cell) { }
        public void CellFinished(Matrix.MatrixCell cell, string status, string? error, bool cached) { lock (Finished) Finished.Add($"{cell} {status}"); }
        public void Message(string line) { }
    }
}
