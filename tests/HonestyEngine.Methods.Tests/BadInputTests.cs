using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Methods.Tests.Support;

namespace HonestyEngine.Methods.Tests;

/// <summary>Every method, loaded from its plugin DLL and run through the engine, fails its cell cleanly on the bad
/// input that applies to it: status "failed", a one-line error naming what is wrong ("invalid input: ..." from a
/// MethodInputException, or the testbed's model-run failure naming the missing file), no samples, no metric values,
/// and never an unexpected exception (NullReference, IndexOutOfRange, ...) escaping the method.</summary>
[Collection(RealEngineCollection.Name)]
public sealed class BadInputTests(EngineRuns runs)
{
    private enum World { BadLayer, NoResources, Hollow, NoAdapter }

    private sealed record Expectation(World World, string Fragment);

    private const string LayerGone = "does not exist";
    private static Expectation Layer => new(World.BadLayer, LayerGone);
    private static Expectation Resource(string name) => new(World.NoResources, $"'{name}'");
    private static Expectation NoBase => new(World.Hollow, "no base model");
    private static Expectation NoQuestion => new(World.Hollow, "user");
    private static Expectation NoModel => new(World.NoAdapter, "adapter_model.safetensors");

    /// <summary>The bad input(s) each method must reject, and a word of the error it must give. Methods with a layer
    /// parameter get a layer the model lacks; methods that read a resource get a catalog without it; the rest get a
    /// testbed without what they read from it (base model, control set, questions) or without its model.</summary>
    private static readonly Dictionary<string, Expectation[]> Expected = new()
    {
        // Probes (instructed pairs or true/false statements; the privileged probe and Mahalanobis read only the testbed).
        ["logistic-probe"] = [Layer, Resource("instructed-pairs")],
        ["last-token-probe"] = [Layer, Resource("instructed-pairs")],
        ["mass-mean-probe"] = [Layer, Resource("instructed-pairs")],
        ["lda-probe"] = [Layer, Resource("instructed-pairs")],
        ["lat-reading-vector"] = [Layer, Resource("instructed-pairs")],
        ["ccs"] = [Layer, Resource("true-false-statements")],
        ["sae-feature-detector"] = [Layer, Resource("instructed-pairs")],
        ["upper-bound-probe-privileged"] = [Layer],
        ["mahalanobis-anomaly"] = [Layer, new(World.Hollow, "at least 4 control transcripts")],
        // Self-report: they read only the transcripts and the testbed's model (the judge reads the base model).
        ["self-classification"] = [NoModel],
        ["self-classification-grading-yourself"] = [NoModel],
        ["self-classification-few-shot"] = [Resource("true-false-statements"), NoModel],
        ["follow-up-did-you-lie"] = [NoModel],
        ["honest-persona-self-classification"] = [Resource("honesty-followup"), NoModel],
        ["unrelated-questions"] = [Resource("honesty-followup"), NoModel],
        ["llm-as-judge"] = [NoBase, NoModel],
        // Prompting: the item's question is what they rewrite.
        ["honest-system-prompt"] = [NoQuestion],
        ["honest-only-persona"] = [NoQuestion],
        ["honest-persona-system-prefill"] = [NoQuestion],
        ["many-shot-honest"] = [Resource("honesty-goals")],
        ["user-persona-sampling"] = [NoQuestion],
        ["author-framing"] = [NoQuestion],
        // Steering.
        ["fuzzing"] = [Layer, NoQuestion],
        ["honesty-steering-vector"] = [Layer, Resource("instructed-pairs")],
        // Fine-tunes: their training mix; the item's question (checked before minutes of training).
        ["honesty-finetune-goals"] = [Resource("honesty-goals"), NoQuestion],
        ["honesty-finetune-followup"] = [Resource("honesty-followup"), NoQuestion],
        ["honesty-finetune-goals-followup"] = [Resource("honesty-goals"), NoQuestion],
        ["honest-persona-finetune-goals"] = [Resource("honesty-goals"), NoQuestion],
        ["honest-persona-finetune-followup"] = [Resource("honesty-followup"), NoQuestion],
        ["honest-persona-finetune-goals-followup"] = [Resource("honesty-goals"), NoQuestion],
        ["baseline-finetune-instruction-following"] = [Resource("instruction-following"), NoQuestion],
        ["introspection-adapter"] = [NoQuestion],
        // Black-box elicitation: the elicitation question.
        ["assistant-prefill"] = [NoQuestion],
        ["prefill-fuzzing"] = [Layer, NoQuestion],
        ["high-temperature-sampling"] = [NoQuestion],
        ["many-shot-jailbreak"] = [NoQuestion],
        ["scaffolded-prefill-sampling"] = [NoQuestion],
        // White-box elicitation.
        ["logit-lens"] = [NoQuestion],
        ["activation-token-similarity"] = [Layer, NoQuestion],
        ["sae-feature-tokens"] = [Layer, Resource("instruction-following")],
        ["activation-oracle"] = [Layer, Resource("instruction-following")],
        // model-diffing's LayerFraction (activation-diff only) is not a [Params] row, so the engine cannot be asked for a bad one.
        ["model-diffing"] = [Resource("instruction-following"), NoBase],
    };

    public static TheoryData<string> Methods() => new(Expected.Keys.Order(StringComparer.Ordinal));

    private List<string> MethodsIn(World world) =>
        Expected.Where(e => e.Value.Any(x => x.World == world)).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();

    private RunSummary Run(World world) => world switch
    {
        World.BadLayer => runs.BadLayer(MethodsIn(world)),
        World.NoResources => runs.NoResources(MethodsIn(world)),
        World.Hollow => runs.Hollow(MethodsIn(world)),
        World.NoAdapter => runs.NoAdapter(MethodsIn(world)),
        _ => throw new ArgumentOutOfRangeException(nameof(world)),
    };

    private static string TestbedOf(World world) => world switch
    {
        World.Hollow => BadInputRuns.HollowTestbed,
        World.NoAdapter => BadInputRuns.NoAdapterTestbed,
        _ => PropertyRuns.Taboo,
    };

    [Fact]
    public void Every_method_the_plugin_host_discovers_has_a_bad_input_case()
    {
        Assert.Equal(42, runs.Plugins.Methods.Count);
        Assert.Equal(runs.Plugins.Methods.Select(m => m.Name).Order(StringComparer.Ordinal), Expected.Keys.Order(StringComparer.Ordinal));
        // Every method with a layer parameter is given a layer that does not exist.
        foreach (var m in runs.Plugins.Methods.Where(m => m.Parameters.Any(p => p.Name.Contains("Layer", StringComparison.Ordinal))))
            Assert.Contains(Layer, Expected[m.Name]);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Fails_its_cell_cleanly_on_bad_input(string method)
    {
        foreach (var expectation in Expected[method])
        {
            var summary = Run(expectation.World);
            var cells = summary.Results.Cells.Where(c => c.Testbed == TestbedOf(expectation.World)
                && (c.Method == method || c.Method.StartsWith(method + "(", StringComparison.Ordinal) || c.Method.StartsWith(method + " [", StringComparison.Ordinal))).ToList();
            Assert.NotEmpty(cells);
            if (expectation.World == World.BadLayer) Assert.Equal(BadInputRuns.BadLayerFractions.Length, cells.Count);
            foreach (var cell in cells)
            {
                string where = $"{expectation.World}: {cell.Describe()}";
                Assert.True(cell.Status == CellStatus.Failed, where);
                Assert.NotNull(cell.Error);
                Assert.Contains(expectation.Fragment, cell.Error, StringComparison.Ordinal);
                // A clean failure: the method's own MethodInputException, or the engine's model-run failure naming the file.
                Assert.True(cell.Error.StartsWith("invalid input: ", StringComparison.Ordinal)
                    || cell.Error.StartsWith($"model run of testbed '{cell.Testbed}' failed: ", StringComparison.Ordinal), where);
                Assert.DoesNotContain('\n', cell.Error);
                Assert.Equal(0, cell.N);
                Assert.All(cell.Metrics.Values, v => Assert.Null(v.Value));
                Assert.DoesNotContain(summary.Samples, s => s.Testbed == cell.Testbed && s.Method == cell.Method);
            }
        }
    }
}
