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
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        string names = string.Join(",", context.RunTestbeds.Select(t => t.Info.Name));
        return items.Select(i => new InterventionOutcome(i.Id, [names])).ToList();
    }
}

/// <summary>Asks every testbed in MethodContext.RunTestbeds for each split and answers with what it got, one line per
/// testbed: "name: split=count|error ...".</summary>
[Method("ProbesRunTestbeds", Family = "test")]
public sealed class ProbesRunTestbeds : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        var lines = context.RunTestbeds.Select(t => $"{t.Info.Name} [{string.Join(",", t.Splits)}]: " + string.Join(" ",
            new[] { Splits.Eval, Splits.Control, Splits.Elicit }.Select(split =>
            {
                try { return $"{split}={t.GetSplit(split).Count}"; }
                catch (MethodInputException e) { return $"{split}=error({e.Message})"; }
            })));
        string answer = string.Join("\n", lines);
        return items.Select(i => new InterventionOutcome(i.Id, [answer])).ToList();
    }
}

/// <summary>Never looks at MethodContext.RunTestbeds.</summary>
[Method("IgnoresRunTestbeds", Family = "test")]
public sealed class IgnoresRunTestbeds : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items) =>
        items.Select(i => new InterventionOutcome(i.Id, ["I do not know."])).ToList();
}

public sealed class RunTestbedsTests
{
    private static MethodDescriptor Describe(Type type) =>
        MethodDiscovery.TryDescribe(type, new ServiceCollection().BuildServiceProvider(), null, out var problem)
        ?? throw new InvalidOperationException(problem ?? $"{type.Name} is not a method.");

    [Fact]
    public void The_engine_passes_every_other_available_testbed_and_recomputes_only_cells_that_read_them_when_they_change()
    {
        using var dir = new TempDir();
        var methods = new[] { Describe(typeof(ReadsRunTestbeds)), Describe(typeof(IgnoresRunTestbeds)) };
        RunSummary Run(string outName, params string[] testbedNames)
        {
            var host = TestHost.Services(new TestbedList(testbedNames.Select(n => new SyntheticTestbed(n, 0.5, evalItems: 4, controlItems: 2,
                description: $"Synthetic organism {n}.")).ToArray()));
            return new RunEngine(host).Run(methods, [], new RunOptions
            {
                ReferenceRows = false,
                OutputDirectory = dir.Sub(outName), CacheDirectory = dir.Sub("cache"), Seed = 1, Parallelism = 1, TestbedGlobs = ["tb-a"],
            });
        }
        string Response(RunSummary s, string method) => s.Samples.First(x => x.Method == method).Outcome!.Responses![0];

        var first = Run("1", "tb-a", "tb-b");
        // All other testbeds available to the run, not only the selected ones; never the cell's own.
        Assert.Equal("tb-b", Response(first, "ReadsRunTestbeds"));
        Assert.Equal((2, 0), (first.ExecutedCells, first.CachedCells));

        var same = Run("2", "tb-a", "tb-b");
        Assert.Equal((0, 2), (same.ExecutedCells, same.CachedCells));

        // Another testbed appears: only the cell that read RunTestbeds depends on it and is run again.
        var more = Run("3", "tb-a", "tb-b", "tb-c");
        Assert.Equal((1, 1), (more.ExecutedCells, more.CachedCells));
        Assert.Equal("tb-b,tb-c", Response(more, "ReadsRunTestbeds"));
        Assert.Equal(CellStatus.Ok, more.Results.Cells.Single(c => c.Method == "ReadsRunTestbeds").Status);
    }

    [Fact]
    public void The_tested_testbeds_variants_are_left_out_and_the_others_show_only_their_elicit_and_train_splits()
    {
        using var dir = new TempDir();
        var testbeds = new ITestbed[]
        {
            new SyntheticTestbed("target", 0.5, evalItems: 4, controlItems: 2, secret: "pineapple", description: "Keeps a fruit secret."),
            new SyntheticTestbed("same-secret", 0.5, evalItems: 4, controlItems: 2, secret: " PineApple ", description: "Implanted otherwise."),
            new SyntheticTestbed("same-description", 0.5, evalItems: 4, controlItems: 2, secret: "mango", description: "Keeps a fruit secret. "),
            new SyntheticTestbed("other", 0.5, evalItems: 4, controlItems: 2, secret: "kiwi", description: "Keeps another secret."),
            new SyntheticTestbed("no-secret", 0.5, evalItems: 3, controlItems: 2, description: "Lies about codes."),
        };
        var summary = new RunEngine(TestHost.Services(new TestbedList(testbeds))).Run([Describe(typeof(ProbesRunTestbeds))], [], new RunOptions
        {
            ReferenceRows = false,
            OutputDirectory = dir.Sub("out"), CacheDirectory = dir.Sub("cache"), Seed = 1, Parallelism = 1, TestbedGlobs = ["target"],
        });
        var lines = summary.Samples.First(s => s.Method == "ProbesRunTestbeds").Outcome!.Responses![0].Split("\n");
        Assert.Equal(2, lines.Length);
        const string hidden = "not available to methods. Eval and control data of the run's testbeds are not available to methods";
        Assert.StartsWith("other [elicit]: eval=error(Testbed 'other': the eval split is " + hidden, lines[0]);
        Assert.Contains("control=error(Testbed 'other': the control split is " + hidden, lines[0]);
        Assert.EndsWith(" elicit=5", lines[0]);
        Assert.StartsWith("no-secret []: eval=error(", lines[1]);
        Assert.Contains("elicit=error(Testbed 'no-secret' has no 'elicit' split available to methods (it has: none;", lines[1]);
    }

    [Fact]
    public void Variants_are_the_same_non_empty_description_or_secret()
    {
        var a = new TestbedInfo("a", "1", "Defends objects.", "x", "t", "l", Secret: "defends");
        Assert.True(RunTestbedList.SameBehaviour(a, a with { Name = "b" }));
        Assert.True(RunTestbedList.SameBehaviour(a, a with { Name = "b", Description = "Other words.", Secret = " DEFENDS" }));
        Assert.True(RunTestbedList.SameBehaviour(a, a with { Name = "b", Description = " Defends objects. ", Secret = null }));
        Assert.False(RunTestbedList.SameBehaviour(a, a with { Name = "b", Description = "Other.", Secret = null }));
        Assert.False(RunTestbedList.SameBehaviour(a with { Description = "", Secret = null }, a with { Name = "b", Description = " ", Secret = "" }));
        // A control with the same description is the same ground truth too (the introspection adapter's former rule
        // let controls through; the committed controls' descriptions differ, so nothing changes there).
        Assert.True(RunTestbedList.SameBehaviour(a with { IsControl = true, Secret = null }, a with { Name = "b", IsControl = true, Secret = null }));
    }

    [Fact]
    public void The_testbed_view_copies_name_base_and_elicitation_settings_and_keeps_no_testbed()
    {
        var testbed = new SyntheticTestbed("viewed", 0.5, evalItems: 2, controlItems: 1, secret: "pineapple");
        var info = testbed.Info with
        {
            BaseModel = "base-x",
            Properties = new Dictionary<string, string> { ["elicitation.prefills"] = "My secret is", ["biases"] = "b1", ["elicitationx"] = "no" },
        };
        var view = new TestbedView(new InfoOverride(testbed, info));
        Assert.Equal("viewed", view.Name);
        Assert.Equal("base-x", view.BaseModel);
        Assert.Equal(new Dictionary<string, string> { ["elicitation.prefills"] = "My secret is" }, view.Settings);
        Assert.Same(testbed.OpenModel(), view.OpenModel());
        var fields = typeof(TestbedView).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        Assert.DoesNotContain(fields, f => typeof(ITestbed).IsAssignableFrom(f.FieldType) || f.FieldType == typeof(TestbedInfo));
    }

    private sealed class InfoOverride(ITestbed inner, TestbedInfo info) : ITestbed
    {
        public TestbedInfo Info => info;
        public IReadOnlyList<string> Splits => inner.Splits;
        public bool HasSplit(string split) => inner.HasSplit(split);
        public IReadOnlyList<DatasetItem> GetSplit(string split) => inner.GetSplit(split);
        public ILabeller Labeller => inner.Labeller;
        public IModelHandle OpenModel() => inner.OpenModel();
        public IModelHandle? OpenBaseModel() => inner.OpenBaseModel();
    }
}
