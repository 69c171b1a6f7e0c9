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
        var testbeds = DiscoverTestbeds(host.TestbedSources.Concat(pluginTestbedSources));
        if (methods.Count == 0)
            throw new RunConfigurationException("No methods are available: no plugin with methods was found (see `honesty list`).");
        if (testbeds.Count == 0)
            throw new RunConfigurationException("No testbeds are available: no testbed source provided any testbed (see `honesty list`).");
        var cells = RunMatrix.Build(testbeds, methods, options.TestbedGlobs, options.MethodGlobs, options.Profile,
            options.ReferenceRows ? ReferenceRowCells.Descriptors : null);

        var cache = new CellCache(options.CacheDirectory);
        var executor = new CellExecutor(host, options, testbeds);
        string runTestbedsKey = RunTestbedList.KeyOf(testbeds);
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
        }, samples);
        foreach (var warning in scored.Warnings) _observer.Message(warning);
        var run = scored.Results;
        Directory.CreateDirectory(options.OutputDirectory);
        SamplesFile.Write(Path.Combine(options.OutputDirectory, SamplesFile.FileName), samples);
        WriteLogs(cells, done, options.OutputDirectory);
        RunOutputs.WriteReports(run, samples, options.OutputDirectory);
        return new RunSummary(run, samples, options.OutputDirectory, executed, cached);
    }

    /// <summary>logs/&lt;testbed&gt;/&lt;method&gt;.log for every cell that logged something (failed cells carry their stack trace there).</summary>
    private static void WriteLogs(IReadOnlyList<MatrixCell> cells, ConcurrentDictionary<MatrixCell, (CellCache.CellFile File, bool Cached)> done, string outDir)
    {
        foreach (var cell in cells)
        {
            var file = done[cell].File;
            if (file.Log.Count == 0) continue;
            var path = Path.Combine(outDir, "logs", CachePaths.Safe(cell.TestbedName), CachePaths.Safe(cell.Variant.DisplayName) + ".log");
            AtomicFile.WriteAllText(path, string.Join("\n", file.Log) + "\n");
        }
    }

    private static List<ITestbed> DiscoverTestbeds(IEnumerable<ITestbedSource> sources)
    {
        var testbeds = new List<ITestbed>();
        var names = new Dictionary<string, ITestbedSource>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            List<ITestbed> found;
            try
            {
                found = source.Discover().ToList();
            }
            catch (Exception e)
            {
                throw new RunConfigurationException($"Testbed source {source.GetType().FullName} failed: {e.Message}");
            }
            foreach (var t in found)
            {
                if (!names.TryAdd(t.Info.Name, source))
                    throw new RunConfigurationException($"Two testbeds are named '{t.Info.Name}' (from {names[t.Info.Name].GetType().FullName} and {source.GetType().FullName}).");
                testbeds.Add(t);
            }
        }
        return testbeds;
    }

    /// <summary>The cells of one testbed plus its lazily computed fingerprint and model run (shared by its cells).</summary>
    private sealed class TestbedLane
    {
        private readonly Lazy<ModelRun> _modelRun;

        public TestbedLane(ITestbed testbed, List<MatrixCell> cells, RunOptions options, IRunObserver observer)
        {
            Testbed = testbed;
            Cells = cells;
            try
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
