using System.Collections.Concurrent;
using System.Globalization;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>The run: expands the matrix, reuses cached cells, runs the rest, then assembles samples.jsonl and the
/// reports from all cells.
///
/// Parallelism: cells of different testbeds run in parallel (up to <see cref="RunOptions.Parallelism"/>), since
/// each testbed owns its model; the cells of one testbed run one at a time, in matrix order. A model handle is not
/// required to be thread-safe, and methods may fine-tune, hook or otherwise mutate the testbed's model, so
/// serialising per model is the only rule that is safe without asking every method to declare what it does.</summary>
public sealed class RunEngine(HostServices host, IRunObserver? observer = null)
{
    private readonly IRunObserver _observer = observer ?? NullRunObserver.Instance;

    public RunSummary Run(PluginCatalog plugins, RunOptions options, CancellationToken cancel = default) =>
        Run(plugins.Methods, plugins.TestbedSources, options, cancel);

    public RunSummary Run(IReadOnlyList<MethodDescriptor> methods, IReadOnlyList<ITestbedSource> pluginTestbedSources, RunOptions options, CancellationToken cancel = default)
    {
        var discovery = TestbedDiscovery.Discover(host.TestbedSources.Concat(pluginTestbedSources));
        if (discovery.SourceErrors.Count > 0) throw new RunConfigurationException(string.Join(" ", discovery.SourceErrors));
        var testbeds = discovery.Testbeds;
        if (methods.Count == 0)
            throw new RunConfigurationException("No methods are available: no plugin with methods was found (see `honesty list`).");
        if (testbeds.Count == 0)
            throw new RunConfigurationException("No testbeds are available: no testbed source provided any testbed (see `honesty list`).");
        var cells = RunMatrix.Build(testbeds, methods, options.TestbedGlobs, options.MethodGlobs, options.Profile,
            options.ReferenceRows ? ReferenceRowCells.Descriptors : null);
        // Everything that can be checked before running is checked before running: a bad --out must not wait for
        // the last cell to fail.
        PrepareOutputDirectory(options.OutputDirectory);

        // A broken testbed fails only its own cells (below); one the selection leaves out is still reported.
        var selected = cells.Select(c => c.Testbed).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var u in discovery.Unavailable)
            if (!selected.Contains(u)) _observer.Message($"warning: testbed '{u.Info.Name}' is unavailable (not selected in this run): {u.Error}");
        var available = testbeds.Where(t => t is not UnavailableTestbed).ToList();

        // Temp files of killed runs (ours: .{name}.{pid}.{guid}.tmp whose process is gone) in the folders this run writes.
        AtomicFile.RemoveStaleTemps(options.OutputDirectory);
        AtomicFile.RemoveStaleTemps(options.CacheDirectory);

        var cache = new CellCache(options.CacheDirectory);
        var executor = new CellExecutor(host, options, available);
        string runTestbedsKey = RunTestbedList.KeyOf(available);
        var lanes = cells.GroupBy(c => c.TestbedName).Select(g => new TestbedLane(g.First().Testbed, g.ToList(), options, _observer)).ToList();

        // Decide what is cached before running anything, so progress shows the real amount of work.
        var done = new ConcurrentDictionary<MatrixCell, (CellCache.CellFile File, bool Cached)>();
        var pending = new Dictionary<TestbedLane, List<(MatrixCell Cell, string Key)>>();
        foreach (var lane in lanes)
        {
            var todo = new List<(MatrixCell, string)>();
            foreach (var cell in lane.Cells)
            {
                if (lane.FingerprintError is not null)
                {
                    todo.Add((cell, ""));
                    continue;
                }
                var key = CellCache.KeyOf(cell, lane.Fingerprint!, options);
                var hit = cache.TryReadOk(cell, key, runTestbedsKey);
                if (hit is not null) done[cell] = (hit, true);
                else todo.Add((cell, key));
            }
            pending[lane] = todo;
        }
        _observer.RunStarted(cells, done.Count);
        foreach (var cell in cells.Where(done.ContainsKey))
            _observer.CellFinished(cell, CellStatus.Ok, null, cached: true);

        Parallel.ForEach(lanes.Where(l => pending[l].Count > 0),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancel },
            lane =>
            {
                foreach (var (cell, key) in pending[lane])
                {
                    cancel.ThrowIfCancellationRequested();
                    _observer.CellStarted(cell);
                    if (lane.FingerprintError is not null)
                    {
                        // Not cached (there is no key): the testbed itself could not be read.
                        var failed = CellOutcome.Failed(lane.FingerprintError, 0, []);
                        done[cell] = (new CellCache.CellFile { Status = failed.Status, Error = failed.Error, Method = cell.Variant.DisplayName, Testbed = cell.TestbedName }, false);
                        _observer.CellFinished(cell, failed.Status, failed.Error, cached: false);
                        continue;
                    }
                    var outcome = executor.Execute(cell, lane.Fingerprint!, lane.ModelRun, cache.MethodCacheDirectory(cell, key), cancel);
                    var file = cache.Write(cell, key, outcome);
                    done[cell] = (file, false);
                    _observer.CellFinished(cell, outcome.Status, outcome.Error, cached: false);
                }
            });

        return Assemble(cells, done, options);
    }

    private RunSummary Assemble(IReadOnlyList<MatrixCell> cells, ConcurrentDictionary<MatrixCell, (CellCache.CellFile File, bool Cached)> done, RunOptions options)
    {
        var results = new List<CellResult>(cells.Count);
        var samples = new List<SampleRecord>();
        int executed = 0, cached = 0;
        foreach (var cell in cells)
        {
            var (file, wasCached) = done[cell];
            if (wasCached) cached++; else executed++;
            var method = cell.Variant.Method;
            results.Add(new CellResult
            {
                Testbed = cell.TestbedName, Method = cell.Variant.DisplayName, Family = method.Family, Kind = method.KindName,
                Anchor = method.Attribute.Anchor, Parameters = cell.Variant.ParameterText, Status = file.Status, Error = file.Error,
                Role = method.Role, ControlTestbed = cell.Testbed.Info.IsControl,
                Seconds = Math.Round(file.Seconds, 3), CacheKey = file.Key,
            });
            if (file.Status == CellStatus.Ok) samples.AddRange(file.Samples);
        }
        var scored = RunMetrics.Compute(new RunResults
        {
            Created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Seed = options.Seed, Profile = options.ProfileName, Device = options.Device, Cells = results,
        }, samples, options.Metrics);
        foreach (var warning in scored.Warnings) _observer.Message(warning);
        var run = scored.Results;
        Directory.CreateDirectory(options.OutputDirectory);
        SamplesFile.Write(Path.Combine(options.OutputDirectory, SamplesFile.FileName), samples);
        WriteLogs(cells, done, options.OutputDirectory);
        RunOutputs.WriteReports(run, samples, options.OutputDirectory);
        return new RunSummary(run, samples, options.OutputDirectory, executed, cached);
    }

    /// <summary>logs/&lt;testbed&gt;/&lt;method&gt;.log for every cell that logged something (failed cells carry their stack
    /// trace there). The folder holds this run's logs only: it is written whole under a temp name and swapped in, so a
    /// reused --out loses the previous run's logs and a kill leaves either the old folder or the new one.</summary>
    private static void WriteLogs(IReadOnlyList<MatrixCell> cells, ConcurrentDictionary<MatrixCell, (CellCache.CellFile File, bool Cached)> done, string outDir)
    {
        var logs = Path.Combine(outDir, "logs");
        bool any = false;
        AtomicFile.ReplaceDirectory(logs, temp =>
        {
            foreach (var cell in cells)
            {
                var file = done[cell].File;
                if (file.Log.Count == 0) continue;
                var path = Path.Combine(temp, CachePaths.Safe(cell.TestbedName), CachePaths.Safe(cell.Variant.DisplayName) + ".log");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, string.Join("\n", file.Log) + "\n");
                any = true;
            }
        });
        if (!any) Directory.Delete(logs);
    }

    /// <summary>Creates the output folder and checks that it can be written, naming the path that is in the way.</summary>
    private static void PrepareOutputDirectory(string outputDirectory)
    {
        var full = Path.GetFullPath(outputDirectory);
        for (var d = full; !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            if (File.Exists(d))
                throw new RunConfigurationException(d == full
                    ? $"Output folder {full} is an existing file; --out must name a folder (new or from an earlier run)."
                    : $"Output folder {full} cannot be created: {d} is a file.");
            if (Directory.Exists(d)) break;
        }
        try
        {
            Directory.CreateDirectory(full);
            var probe = AtomicFile.TempPathFor(Path.Combine(full, "write-check"));
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunConfigurationException($"Output folder {full} cannot be written: {e.Message}");
        }
    }

    /// <summary>The cells of one testbed plus its lazily computed fingerprint and model run (shared by its cells).</summary>
    private sealed class TestbedLane
    {
        private readonly Lazy<ModelRun> _modelRun;

        public TestbedLane(ITestbed testbed, List<MatrixCell> cells, RunOptions options, IRunObserver observer)
        {
            Testbed = testbed;
            Cells = cells;
            if (testbed is UnavailableTestbed unavailable)
                FingerprintError = $"testbed '{testbed.Info.Name}' is unavailable: {unavailable.Error}";
            else try
            {
                Fingerprint = TestbedFingerprint.Of(testbed, options);
            }
            catch (Exception e)
            {
                FingerprintError = $"testbed '{testbed.Info.Name}' could not be read: {CellExecutor.Describe(e)}";
            }
            _modelRun = new Lazy<ModelRun>(() =>
            {
                try
                {
                    return ModelRunStage.Run(testbed, Fingerprint!, options, observer.Message, CancellationToken.None);
                }
                catch (Exception e)
                {
                    throw new ModelRunException($"model run of testbed '{testbed.Info.Name}' failed: {CellExecutor.Describe(e)}", e);
                }
            }, LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public ITestbed Testbed { get; }
        public List<MatrixCell> Cells { get; }
        public TestbedFingerprint? Fingerprint { get; }
        public string? FingerprintError { get; }
        public ModelRun ModelRun() => _modelRun.Value;
    }
}

/// <summary>What a run produced and where.</summary>
public sealed record RunSummary(RunResults Results, IReadOnlyList<SampleRecord> Samples, string OutputDirectory, int ExecutedCells, int CachedCells);
