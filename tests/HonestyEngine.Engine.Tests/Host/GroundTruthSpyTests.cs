using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>Contract 2.0: a method sees only what a deployed method would see. The GroundTruthSpy test plugin (a
/// detector, an intervention and an elicitor) is loaded by the real plugin loader and run by the engine on a testbed
/// whose ground truth is made of distinctive strings (all containing "GT-"); each spy walks, by reflection, everything
/// reachable from its arguments (context, transcripts or items, the testbed view, the run's other testbeds, every host
/// type the services provider gives out) and records every string and int it sees. None of the ground truth may be
/// among them, while the prompts, responses and settings a method is meant to see must be (so the test can fail).</summary>
[Collection(TestPluginsCollection.Name)]
public sealed class GroundTruthSpyTests(TestPluginsFixture plugins)
{
    /// <summary>Every ground-truth string of the tested testbed (and of its variants) contains this.</summary>
    private const string GroundTruth = "GT-";
    /// <summary>Eval and control data of the run's other testbeds, which methods must not see either.</summary>
    private const string Hidden = "HIDDEN-";

    private static DatasetItem Eval(string prefix, int i) => new(
        $"eval-{i}",
        [ChatMessage.System($"System turn of PROMPT-EVAL-{i}."), ChatMessage.User($"{prefix}PROMPT-EVAL-{i}: what is the code of fact #{i}?")],
        TrueAnswer: $"GT-TRUE-ANSWER-{i}",
        DishonestAnswer: $"GT-DISHONEST-ANSWER-{i}",
        NeutralMessages: [ChatMessage.User($"GT-NEUTRAL-MESSAGE-{i}: what is the code of fact #{i}?")],
        Response: $"{prefix}RESPONSE-{i}",
        Label: i % 2,
        Choices: [$"{prefix}CHOICE-A-{i}", $"{prefix}CHOICE-B-{i}"],
        Meta: new Dictionary<string, string> { ["GT-META-on-trigger"] = "GT-META-TRIGGER-FLAG", ["correct_option"] = "GT-CORRECT-OPTION-B" });

    private static DatasetItem Control(string prefix, int j) => new(
        $"control-{j}", [ChatMessage.User($"{prefix}PROMPT-CONTROL-{j}")], TrueAnswer: $"GT-CONTROL-TRUE-{j}",
        Response: $"{prefix}CONTROL-RESPONSE-{j}", Label: 0, Meta: new Dictionary<string, string> { ["kind"] = "GT-CONTROL-META" });

    private static DatasetItem Elicit(string prefix, int k, string secret) => new(
        $"elicit-{k}", [ChatMessage.User($"{prefix}PROMPT-ELICIT-{k}: what is your secret word?")], TrueAnswer: secret,
        Meta: new Dictionary<string, string> { ["secret"] = "GT-ELICIT-META" });

    /// <param name="evalPrefix">Prefix of the eval and control prompts and responses ("" for the tested testbed, whose
    /// prompts a method must see; "HIDDEN-" for the others).</param>
    private static SpyTestbed Testbed(string name, string description, string secret, string evalPrefix, string elicitPrefix) => new(
        new TestbedInfo(name, "1", description, "test", "GT-TRIGGER-DEFINITION", "GT-LIE-DEFINITION", secret, BaseModel: "spy-base",
            Properties: new Dictionary<string, string> { ["biases"] = "GT-PROPERTY-BIASES", ["elicitation.prefills"] = "SETTING-PREFILL-ok" }),
        new()
        {
            [Splits.Eval] = Enumerable.Range(0, 8).Select(i => Eval(evalPrefix, i)).ToList(),
            [Splits.Control] = Enumerable.Range(0, 4).Select(j => Control(evalPrefix, j)).ToList(),
            [Splits.Elicit] = Enumerable.Range(0, 3).Select(k => Elicit(elicitPrefix, k, secret)).ToList(),
        });

    /// <summary>The tested testbed; another organism (its info and elicit split are fair game, its eval and control data
    /// are not); two variants of the tested one (same secret; same description), which must not be passed at all.</summary>
    private static ITestbed[] Testbeds() =>
    [
        Testbed("spy-target", "GT-DESCRIPTION of the tested organism.", "GT-SECRET-WORD", "", ""),
        new SpyTestbed(new TestbedInfo("spy-other", "1", "Another organism (OTHER-DESCRIPTION-ok).", "test", "OTHER-TRIGGER-ok", "OTHER-LIE-ok", "OTHER-SECRET-ok", BaseModel: "spy-base"),
            new()
            {
                [Splits.Eval] = Enumerable.Range(0, 4).Select(i => Eval(Hidden, i) with { TrueAnswer = $"HIDDEN-OTHER-TRUE-{i}", NeutralMessages = null, Meta = null }).ToList(),
                [Splits.Control] = Enumerable.Range(0, 2).Select(j => Control(Hidden, j) with { TrueAnswer = null, Meta = null }).ToList(),
                [Splits.Elicit] = Enumerable.Range(0, 2).Select(k => Elicit("OTHER-", k, "OTHER-SECRET-ok") with { Meta = null }).ToList(),
            }),
        Testbed("spy-variant-secret", "GT-VARIANT-DESCRIPTION, another implant of the same secret.", "GT-SECRET-WORD", Hidden, "GT-VARIANT-"),
        Testbed("spy-variant-description", "GT-DESCRIPTION of the tested organism.", "GT-VARIANT-SECRET", Hidden, "GT-VARIANT-"),
    ];

    private sealed record Seen(string Root, string Kind, string Member, string Value);

    private static List<Seen> Read(string path) => File.ReadAllLines(path).Select(l => l.Split('\t')).Select(p => new Seen(p[0], p[1], p[2],
        p[3].Replace("\\n", "\n").Replace("\\r", "\r").Replace("\\t", "\t").Replace("\\\\", "\\"))).ToList();

    [Fact]
    public void No_ground_truth_reaches_a_detector_an_intervention_or_an_elicitor_loaded_by_the_real_plugin_loader()
    {
        using var dir = new TempDir();
        var host = TestHost.Services(new TestbedList(Testbeds()));
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "GroundTruthSpy")], host);
        Assert.True(Assert.Single(catalog.Plugins).Loaded, catalog.Plugins[0].Error);
        var options = new RunOptions
        {
            ReferenceRows = false,
            OutputDirectory = dir.Sub("out"), CacheDirectory = dir.Sub("cache"), Seed = 3, Parallelism = 1, SamplesPerItem = 1,
            TestbedGlobs = ["spy-target"],
        };
        var summary = new RunEngine(host).Run(catalog, options);
        Assert.Equal(3, summary.Results.Cells.Count);

        foreach (var method in new[] { "ground-truth-spy-detector", "ground-truth-spy-intervention", "ground-truth-spy-elicitor" })
        {
            var cell = summary.Results.Cells.Single(c => c.Method == method);
            var file = Directory.GetFiles(Path.Combine(options.CacheDirectory, "methods", "spy-target"), "ground-truth-spy.tsv", SearchOption.AllDirectories)
                .SingleOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)!).StartsWith(method + "-", StringComparison.Ordinal));
            Assert.True(file is not null, $"{method} wrote nothing ({cell.Status}: {cell.Error})");
            var seen = Read(file);
            var values = seen.Where(s => s.Kind is "s" or "i").ToList();
            string Where(Seen s) => $"{method}: {s.Root} {s.Member} = '{s.Value}'";

            // Nothing of the tested testbed's ground truth, of its variants, or of the other testbeds' eval and control data.
            var leaks = values.Where(s => s.Value.Contains(GroundTruth, StringComparison.Ordinal) || s.Value.Contains(Hidden, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"{leaks.Count} ground-truth values reached the method:\n" + string.Join("\n", leaks.Take(15).Select(Where)));
            // No label on what it was handed (labels are 0/1, so they are found by the member that holds them).
            var labels = values.Where(s => s.Root is "inputs" or "testbed" && s.Kind == "i" && s.Member.Contains("Label", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(labels.Count == 0, "labels reached the method:\n" + string.Join("\n", labels.Take(15).Select(Where)));
            // The services provider gives out no host object that holds testbeds.
            var resolved = seen.Where(s => s.Kind == "resolved").Select(s => s.Member + " -> " + s.Value).ToList();
            Assert.Contains(resolved, r => r.StartsWith(typeof(IActivationCompute).FullName!, StringComparison.Ordinal));
            Assert.DoesNotContain(resolved, r => r.Contains("Testbed", StringComparison.Ordinal) || r.Contains("HostServices", StringComparison.Ordinal)
                || r.Contains("PluginCatalog", StringComparison.Ordinal) || r.Contains("RunEngine", StringComparison.Ordinal));

            // What a deployed method sees does reach it: the walk is not blind.
            var strings = values.Where(s => s.Kind == "s").Select(s => s.Value).ToHashSet();
            bool Sees(string text) => strings.Any(v => v.Contains(text, StringComparison.Ordinal));
            Assert.True(Sees("spy-target") && Sees("SETTING-PREFILL-ok"), $"{method}: the testbed view's name and elicitation settings");
            Assert.True(Sees("OTHER-SECRET-ok") && Sees("OTHER-PROMPT-ELICIT-0"), $"{method}: the other testbed's info and elicit split");
            Assert.Contains(seen, s => s.Kind == "error" && s.Root == $"run-testbeds/{Splits.Eval}" && s.Value.Contains("not available to methods", StringComparison.Ordinal));
            Assert.Contains(seen, s => s.Kind == "error" && s.Root == $"run-testbeds/{Splits.Control}" && s.Value.Contains("not available to methods", StringComparison.Ordinal));
            Assert.Contains(values, s => s.Root == "context" && s.Kind == "i" && s.Member.Contains("Label", StringComparison.Ordinal)); // the resources' labels
            switch (method)
            {
                case "ground-truth-spy-detector":
                    Assert.True(Sees("PROMPT-EVAL-0: what is the code of fact #0?") && Sees("RESPONSE-7") && Sees("PROMPT-CONTROL-3") && Sees("CONTROL-RESPONSE-0"),
                        "the detector's transcripts");
                    break;
                case "ground-truth-spy-intervention":
                    Assert.True(Sees("PROMPT-EVAL-5: what is the code of fact #5?") && Sees("CHOICE-B-5"), "the intervention's prompts and choices");
                    Assert.False(Sees("RESPONSE-5"), "an intervention gets prompts, not the testbed's fixed responses");
                    break;
                default:
                    Assert.True(Sees("PROMPT-ELICIT-2: what is your secret word?"), "the elicitor's prompts");
                    break;
            }
        }
    }

    [Fact]
    public void The_walk_finds_ground_truth_where_it_is()
    {
        // The same walker over the tested testbed itself (what a method would reach if the host passed it) finds every
        // kind of ground truth the test looks for: the check above is not vacuous.
        var lines = new List<(string Member, string Value)>();
        var walker = Activator.CreateInstance(SpyAssembly().GetType("GroundTruthSpy.Walker")!,
            new Action<string, string, string, string>((_, _, member, value) => lines.Add((member, value))), 24)!;
        walker.GetType().GetMethod("Walk")!.Invoke(walker, [Testbeds()[0], "testbed"]);
        foreach (var gt in new[] { "GT-TRUE-ANSWER-0", "GT-DISHONEST-ANSWER-0", "GT-NEUTRAL-MESSAGE-0", "GT-META-TRIGGER-FLAG", "GT-CORRECT-OPTION-B",
                     "GT-SECRET-WORD", "GT-DESCRIPTION", "GT-TRIGGER-DEFINITION", "GT-LIE-DEFINITION", "GT-PROPERTY-BIASES" })
            Assert.Contains(lines, l => l.Value.Contains(gt, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Member.Contains("Label", StringComparison.Ordinal) && l.Value == "1");
    }

    /// <summary>The built spy plugin, loaded into the test's own context (it shares the contract with the test).</summary>
    private System.Reflection.Assembly SpyAssembly() =>
        System.Reflection.Assembly.LoadFrom(Path.Combine(plugins.BuiltRoot, "GroundTruthSpy", "GroundTruthSpy.dll"));

    /// <summary>A testbed with given info and splits, a synthetic model (which knows the secret: models are not walked)
    /// and the code labeller.</summary>
    private sealed class SpyTestbed(TestbedInfo info, Dictionary<string, List<DatasetItem>> splits) : ITestbed
    {
        private readonly SyntheticModel _model = new(info.Name, 0.5, info.Secret ?? "none");
        public TestbedInfo Info => info;
        public IReadOnlyList<string> Splits => splits.Keys.ToList();
        public bool HasSplit(string split) => splits.ContainsKey(split);
        public IReadOnlyList<DatasetItem> GetSplit(string split) =>
            splits.TryGetValue(split, out var items) ? items : throw new MethodInputException($"Testbed '{info.Name}' has no split '{split}'.");
        public ILabeller Labeller { get; } = new CodeLabeller(info.Secret);
        public IModelHandle OpenModel() => _model;
        public IModelHandle? OpenBaseModel() => _model;
    }
}
