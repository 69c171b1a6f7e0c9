using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Imported;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>Issue 17: a bad file or input gets a clear error, never a silent different result (engine side of items
/// 5-8; the CLI side is in HonestyEngine.Cli.Tests).</summary>
[Collection(TestPluginsCollection.Name)]
public sealed class RobustnessTests(TestPluginsFixture plugins)
{
    private static RunOptions Options(TempDir dir, params string[] methods) => new()
    {
        ReferenceRows = false,
        OutputDirectory = dir.Sub("out"), CacheDirectory = dir.Sub("cache"), MethodGlobs = methods, Seed = 7, Parallelism = 2,
    };

    private static CellResult Cell(RunSummary s, string testbed, string method) =>
        s.Results.Cells.Single(c => c.Testbed == testbed && c.Method == method);

    // ---- item 5: a failing static constructor shows its inner message ----

    private static class Exploding
    {
        public static readonly int Value = Throw();
        private static int Throw() => throw new InvalidOperationException("the lookup table is missing");
    }

    [Fact]
    public void A_failing_static_constructor_is_described_by_its_inner_exception()
    {
        var e = Assert.ThrowsAny<Exception>(() => Exploding.Value);
        Assert.IsType<TypeInitializationException>(e);
        Assert.Equal("threw InvalidOperationException: the lookup table is missing", CellExecutor.Describe(e));
        // As a plugin constructor reached through reflection or DI.
        var wrapped = new System.Reflection.TargetInvocationException(e);
        Assert.Equal("threw InvalidOperationException: the lookup table is missing", CellExecutor.Describe(wrapped));
    }

    [Fact]
    public void A_method_whose_static_constructor_fails_shows_the_inner_message_in_its_cell()
    {
        using var dir = new TempDir();
        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("tb", 0.5, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "FaultyPlugins")], host);
        var summary = new RunEngine(host).Run(catalog, Options(dir, "StaticInitThrows") with { TestbedGlobs = ["tb"] });
        var cell = Cell(summary, "tb", "StaticInitThrows");
        Assert.Equal(CellStatus.Failed, cell.Status);
        Assert.Equal("threw InvalidOperationException: weights table static-init.bin is missing", cell.Error);
    }

    [Fact]
    public void A_plugin_whose_static_constructor_fails_reports_the_inner_message()
    {
        using var dir = new TempDir();
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "StaticInitPlugin")], TestHost.Services());
        var plugin = Assert.Single(catalog.Plugins);
        Assert.False(plugin.Loaded);
        Assert.Contains("testbed table broken-source.bin is missing", plugin.Error);
        Assert.Contains("InvalidOperationException", plugin.Error);
    }

    // ---- item 7: a broken testbed fails only itself ----

    /// <summary>What a testbed folder with an invalid testbed.json looks like to the engine: it has a name (its
    /// folder's) and nothing else; every question about its contents throws the folder's error.</summary>
    private sealed class BrokenTestbed(string name, string error) : ITestbed
    {
        public TestbedInfo Info { get; } = new(name, "broken", error, "", "", "");
        public IReadOnlyList<string> Splits => throw new InvalidDataException(error);
        public bool HasSplit(string split) => throw new InvalidDataException(error);
        public IReadOnlyList<DatasetItem> GetSplit(string split) => throw new InvalidDataException(error);
        public ILabeller Labeller => throw new InvalidDataException(error);
        public IModelHandle OpenModel() => throw new InvalidDataException(error);
        public IModelHandle? OpenBaseModel() => throw new InvalidDataException(error);
    }

    private sealed class Observer : IRunObserver
    {
        public List<string> Messages { get; } = [];
        public List<string> Started { get; } = [];
        public void RunStarted(IReadOnlyList<MatrixCell> cells, int cachedCells) { }
        public void CellStarted(MatrixCell cell) { lock (Started) Started.Add(cell.ToString()); }
        public void CellFinished(MatrixCell cell, string status, string? error, bool cached) { }
        public void Message(string line) { lock (Messages) Messages.Add(line); }
    }

    [Fact]
    public void Two_testbeds_with_one_name_fail_only_their_own_cells_naming_both()
    {
        using var dir = new TempDir();
        var host = TestHost.Services(
            new TestbedList(new SyntheticTestbed("dup", 0.5, evalItems: 10, controlItems: 5)),
            new TestbedList(new SyntheticTestbed("good", 0.5, evalItems: 10, controlItems: 5)),
            new SecondSource(new SyntheticTestbed("dup", 0.3, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        var summary = new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline") with { TestbedGlobs = ["dup", "good"] });

        Assert.Equal(CellStatus.Ok, Cell(summary, "good", "JsonLengthBaseline").Status);
        var dup = Assert.Single(summary.Results.Cells, c => c.Testbed == "dup");
        Assert.Equal(CellStatus.Failed, dup.Status);
        Assert.Contains("two testbeds are named 'dup'", dup.Error);
        Assert.Contains(nameof(TestbedList), dup.Error);
        Assert.Contains(nameof(SecondSource), dup.Error);

        // A selection without it runs clean.
        var clean = new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline") with { TestbedGlobs = ["good"], OutputDirectory = dir.Sub("out2") });
        Assert.All(clean.Results.Cells, c => Assert.Equal(CellStatus.Ok, c.Status));
    }

    private sealed class SecondSource(params ITestbed[] testbeds) : ITestbedSource
    {
        public IEnumerable<ITestbed> Discover() => testbeds;
    }

    [Fact]
    public void A_testbed_that_cannot_be_read_fails_its_cells_with_its_error_and_is_reported_when_not_selected()
    {
        using var dir = new TempDir();
        const string error = "/somewhere/testbeds/broken/testbed.json: missing 'labeller'";
        var host = TestHost.Services(new TestbedList(new BrokenTestbed("broken", error), new SyntheticTestbed("good", 0.5, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);

        var all = new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline"));
        var broken = Cell(all, "broken", "JsonLengthBaseline");
        Assert.Equal(CellStatus.Failed, broken.Status);
        Assert.Contains(error, broken.Error);
        Assert.Equal(CellStatus.Ok, Cell(all, "good", "JsonLengthBaseline").Status);

        var observer = new Observer();
        var some = new RunEngine(host, observer).Run(catalog, Options(dir, "JsonLengthBaseline") with { TestbedGlobs = ["good"], OutputDirectory = dir.Sub("out2") });
        Assert.All(some.Results.Cells, c => Assert.Equal(CellStatus.Ok, c.Status));
        Assert.Contains(observer.Messages, m => m.Contains("broken") && m.Contains(error));
    }

    // ---- item 8: --out, stale temp files, stale logs ----

    [Fact]
    public void An_output_path_that_is_a_file_fails_before_any_cell_runs()
    {
        using var dir = new TempDir();
        var outFile = dir.Sub("results.txt");
        File.WriteAllText(outFile, "not a folder");
        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("good", 0.5, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        var observer = new Observer();
        var e = Assert.Throws<RunConfigurationException>(() => new RunEngine(host, observer).Run(catalog, Options(dir, "JsonLengthBaseline") with { OutputDirectory = outFile }));
        Assert.Contains(outFile, e.Message);
        Assert.Empty(observer.Started);
        Assert.False(Directory.Exists(Path.Combine(dir.Sub("cache"), "cells")));

        // Also a file further up the path.
        e = Assert.Throws<RunConfigurationException>(() => new RunEngine(host, observer).Run(catalog, Options(dir, "JsonLengthBaseline") with { OutputDirectory = Path.Combine(outFile, "run1") }));
        Assert.Contains(outFile, e.Message);
        Assert.Empty(observer.Started);
    }

    [Fact]
    public void Stale_temp_files_of_killed_runs_are_removed_at_the_start_of_a_run()
    {
        using var dir = new TempDir();
        const int deadPid = int.MaxValue - 7; // above any pid_max: never a live process
        string Stale(string folder, string name, int pid)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $".{name}.{pid}.{Guid.NewGuid():N}.tmp");
            File.WriteAllText(path, "half-written");
            return path;
        }
        var staleOut = Stale(dir.Sub("out"), "results.json", deadPid);
        var staleCell = Stale(Path.Combine(dir.Sub("cache"), "cells", "good"), "JsonLengthBaseline-abc.json", deadPid);
        var staleDir = Path.Combine(dir.Sub("cache"), "activations", $".set.{deadPid}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staleDir);
        File.WriteAllText(Path.Combine(staleDir, "shard0.safetensors"), "x");
        var live = Stale(dir.Sub("out"), "report.md", Environment.ProcessId); // another run writing right now
        var foreign = Path.Combine(dir.Sub("out"), "notes.tmp");
        File.WriteAllText(foreign, "the user's");

        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("good", 0.5, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline"));

        Assert.False(File.Exists(staleOut));
        Assert.False(File.Exists(staleCell));
        Assert.False(Directory.Exists(staleDir));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void A_reused_output_folder_holds_only_this_runs_logs()
    {
        using var dir = new TempDir();
        var old = Path.Combine(dir.Sub("out"), "logs", "old-testbed");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "SomeMethod.log"), "from the previous run");
        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("good", 0.5, evalItems: 10, controlItems: 5)));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], host);
        new RunEngine(host).Run(catalog, Options(dir, "JsonLengthBaseline") with { TestbedGlobs = ["good"] });

        var logs = Path.Combine(dir.Sub("out"), "logs");
        Assert.Equal(["good"], Directory.GetDirectories(logs).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(logs, "good", "JsonLengthBaseline.log")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Sub("out"), "*.tmp"));
    }

    [Fact]
    public void Logs_are_swapped_in_whole()
    {
        using var dir = new TempDir();
        var logs = Path.Combine(dir.Path, "logs");
        AtomicFile.ReplaceDirectory(logs, tmp => File.WriteAllText(Path.Combine(tmp, "a.log"), "1"));
        AtomicFile.ReplaceDirectory(logs, tmp => File.WriteAllText(Path.Combine(tmp, "b.log"), "2"));
        Assert.Equal(["b.log"], Directory.GetFiles(logs).Select(Path.GetFileName));
        // A writer that fails leaves the old folder as it was.
        Assert.Throws<IOException>(() => AtomicFile.ReplaceDirectory(logs, tmp => throw new IOException("disk full")));
        Assert.Equal(["b.log"], Directory.GetFiles(logs).Select(Path.GetFileName));
        Assert.Equal(["logs"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    // ---- item 8: results.json with missing or null required fields ----

    public static TheoryData<string, string> BadResults => new()
    {
        { """{"schema_version":2,"cells":null}""", "cells" },
        { """{"schema_version":2}""", "cells" },
        { """{"schema_version":2,"cells":[null]}""", "cells[0]" },
        { """{"schema_version":2,"cells":[{"method":"m","family":"f","kind":"detector","status":"ok"}]}""", "testbed" },
        { """{"schema_version":2,"cells":[{"testbed":null,"method":"m","family":"f","kind":"detector","status":"ok"}]}""", "testbed" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"ok","metrics":null}]}""", "metrics" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"ok","metrics":{"auroc":null}}]}""", "auroc" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"ok","parameters":null}]}""", "parameters" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"fine"}]}""", "status" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"ok","parameters":{"a":null}}]}""", "parameters" },
        { """[1, 2]""", "results.json" },
        { """{"schema_version":2,"cells":[{"testbed":"t","method":"m","family":"f","kind":"detector","status":"ok","anchor":null}]}""", "anchor" },
    };

    [Theory]
    [MemberData(nameof(BadResults))]
    public void Results_json_with_missing_or_null_required_fields_is_a_clear_error(string json, string field)
    {
        using var dir = new TempDir();
        var path = dir.Sub("results.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<ResultsFormatException>(() => ResultsFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(field, e.Message);
    }

    // ---- item 6: imported rows name a valid split ----

    [Theory]
    [InlineData("test")]
    [InlineData("Eval")]
    [InlineData("")]
    public void An_imported_testbed_refuses_rows_of_an_unknown_split(string split)
    {
        using var dir = new TempDir();
        string tensors = dir.Sub("a.safetensors"), labels = dir.Sub("a.jsonl");
        File.WriteAllBytes(tensors, new byte[16]);
        File.WriteAllText(labels, "{}");
        var e = Assert.Throws<ArgumentException>(() => new ImportedTestbed("imp", tensors, labels,
            [new("a", 1, Splits.Eval), new("b", 0, split)], [0], 4, "mean", new ForwardActivations()));
        Assert.Contains(labels, e.Message);
        Assert.Contains($"'{split}'", e.Message);
        Assert.Contains("'b'", e.Message);

        e = Assert.Throws<ArgumentException>(() => new ImportedTestbed("imp", tensors, labels,
            [new("a", 1, "train"), new("b", 0, Splits.Control)], [0], 4, "mean", new ForwardActivations()));
        Assert.Contains("'eval'", e.Message);
    }
}
