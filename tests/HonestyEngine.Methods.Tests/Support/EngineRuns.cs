using System.Collections.Concurrent;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;

namespace HonestyEngine.Methods.Tests.Support;

[CollectionDefinition(Name)]
public sealed class RealEngineCollection : ICollectionFixture<EngineRuns>
{
    public const string Name = "real engine";
}

/// <summary>Runs shared by every test of the collection: each named run goes through RunEngine once per test
/// process, and all runs share one cache root, so a model run (the testbed's transcripts) is generated once and
/// reused by every later run of the same testbed with the same options.
/// Set HONESTY_METHOD_TESTS_CACHE to keep that cache between test processes (development only).</summary>
public sealed class EngineRuns : IDisposable
{
    private readonly bool _keep;
    private readonly ConcurrentDictionary<string, Lazy<RunSummary>> _runs = new();

    public EngineRuns()
    {
        var fixedRoot = Environment.GetEnvironmentVariable("HONESTY_METHOD_TESTS_CACHE");
        _keep = !string.IsNullOrEmpty(fixedRoot);
        CacheRoot = _keep ? Path.GetFullPath(fixedRoot!) : Path.Combine(Path.GetTempPath(), "honesty-method-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(CacheRoot);
        Host = RealEngine.Host(CacheRoot);
        Plugins = RealEngine.LoadPlugins(Host);
    }

    public string CacheRoot { get; }
    public HostServices Host { get; }
    public PluginCatalog Plugins { get; }

    public MethodDescriptor Method(string name) => Plugins.Methods.Single(m => m.Name == name);

    /// <summary>The named run, executed on first use: <paramref name="methods"/> on <paramref name="testbeds"/>
    /// (glob list), quick profile, seed 0, <paramref name="itemLimit"/> items per split.</summary>
    public RunSummary Run(string name, IReadOnlyList<string> testbeds, Func<IReadOnlyList<MethodDescriptor>> methods,
        int itemLimit, HostServices? host = null) =>
        _runs.GetOrAdd(name, _ => new Lazy<RunSummary>(() =>
        {
            var options = RealEngine.Options(host is null ? CacheRoot : Path.Combine(CacheRoot, "hosts", name), name, itemLimit) with { TestbedGlobs = testbeds };
            return new RunEngine(host ?? Host).Run(methods(), [], options);
        })).Value;

    public void Dispose()
    {
        Plugins.Dispose();
        if (_keep) return;
        try { Directory.Delete(CacheRoot, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

public static class RunSummaryExtensions
{
    public static CellResult Cell(this RunSummary summary, string testbed, string methodPrefix)
    {
        var cells = summary.Results.Cells.Where(c => c.Testbed == testbed && (c.Method == methodPrefix || c.Method.StartsWith(methodPrefix + "(", StringComparison.Ordinal) || c.Method.StartsWith(methodPrefix + " [", StringComparison.Ordinal))).ToList();
        return cells.Count == 1 ? cells[0] : throw new InvalidOperationException($"{cells.Count} cells match '{methodPrefix}' on '{testbed}': {string.Join(", ", summary.Results.Cells.Select(c => c.Method))}");
    }

    public static IReadOnlyList<SampleRecord> Samples(this RunSummary summary, CellResult cell) =>
        summary.Samples.Where(s => s.Testbed == cell.Testbed && s.Method == cell.Method).ToList();

    public static double Metric(this CellResult cell, string metric) =>
        cell.Metrics.TryGetValue(metric, out var v) && v.Value is { } x ? x
            : throw new InvalidOperationException($"{cell.Testbed} x {cell.Method}: {cell.Status} {cell.Error} has no value for '{metric}' ({(cell.Metrics.TryGetValue(metric, out var m) ? m.Note : "absent")}).");

    public static string Describe(this CellResult cell) =>
        $"{cell.Testbed} x {cell.Method}: {cell.Status}{(cell.Error is null ? "" : " (" + cell.Error + ")")} "
        + string.Join(", ", cell.Metrics.Select(m => $"{m.Key}={m.Value.Value:0.###} [{m.Value.CiLow:0.###}, {m.Value.CiHigh:0.###}]"));
}
