using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>Writes the names of every testbed it was given in MethodContext.RunTestbeds as its response.</summary>
[Method("ReadsRunTestbeds", Family = "test")]
public sealed class ReadsRunTestbeds : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<DatasetItem> items)
    {
        string names = string.Join(",", context.RunTestbeds.Select(t => t.Info.Name));
        return items.Select(i => new InterventionOutcome(i.Id, [names])).ToList();
    }
}

/// <summary>Never looks at MethodContext.RunTestbeds.</summary>
[Method("IgnoresRunTestbeds", Family = "test")]
public sealed class IgnoresRunTestbeds : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<DatasetItem> items) =>
        items.Select(i => new InterventionOutcome(i.Id, ["I do not know."])).ToList();
}

public sealed class RunTestbedsTests
{
    private static MethodDescriptor Describe(Type type) =>
        MethodDiscovery.TryDescribe(type, new ServiceCollection().BuildServiceProvider(), null, out var problem)
        ?? throw new InvalidOperationException(problem ?? $"{type.Name} is not a method.");

    [Fact]
    public void The_engine_passes_every_available_testbed_and_recomputes_only_cells_that_read_them_when_they_change()
    {
        using var dir = new TempDir();
        var methods = new[] { Describe(typeof(ReadsRunTestbeds)), Describe(typeof(IgnoresRunTestbeds)) };
        RunSummary Run(string outName, params string[] testbedNames)
        {
            var host = TestHost.Services(new TestbedList(testbedNames.Select(n => new SyntheticTestbed(n, 0.5, evalItems: 4, controlItems: 2)).ToArray()));
            return new RunEngine(host).Run(methods, [], new RunOptions
            {
                OutputDirectory = dir.Sub(outName), CacheDirectory = dir.Sub("cache"), Seed = 1, Parallelism = 1, TestbedGlobs = ["tb-a"],
            });
        }
        string Response(RunSummary s, string method) => s.Samples.First(x => x.Method == method).Outcome!.Responses![0];

        var first = Run("1", "tb-a", "tb-b");
        // All testbeds available to the run, not only the selected one.
        Assert.Equal("tb-a,tb-b", Response(first, "ReadsRunTestbeds"));
        Assert.Equal((2, 0), (first.ExecutedCells, first.CachedCells));

        var same = Run("2", "tb-a", "tb-b");
        Assert.Equal((0, 2), (same.ExecutedCells, same.CachedCells));

        // Another testbed appears: only the cell that read RunTestbeds depends on it and is run again.
        var more = Run("3", "tb-a", "tb-b", "tb-c");
        Assert.Equal((1, 1), (more.ExecutedCells, more.CachedCells));
        Assert.Equal("tb-a,tb-b,tb-c", Response(more, "ReadsRunTestbeds"));
        Assert.Equal(CellStatus.Ok, more.Results.Cells.Single(c => c.Method == "ReadsRunTestbeds").Status);
    }
}
