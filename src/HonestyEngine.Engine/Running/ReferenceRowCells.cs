using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Engine.Running;

/// <summary>The reference rows (<see cref="ReferenceRows"/>): cells the engine computes itself from the model run and
/// the ground truth, so they may read what methods never see (the trigger flag, the labels). They go through the same
/// matrix, cache, samples and metrics as methods, marked <see cref="CellRole.Reference"/>, and are never ranked.</summary>
internal static class ReferenceRowCells
{
    /// <summary>The intervention sampler of the built-in plugins samples like this: greedy for one sample per item, else
    /// temperature 1 with seeds seed + 7919·s, 64 new tokens. The untreated row is sampled the same way, so an
    /// intervention's difference from it is the intervention's, not the sampler's.</summary>
    private const int InterventionMaxNewTokens = 64;
    private const int SeedStride = 7919;

    [Method(ReferenceRows.NoIntervention, Family = "reference", Version = "1",
        Description = "The untreated model's own responses on the eval items, sampled like the interventions' and judged the same way.")]
    private sealed class NoIntervention;

    [Method(ReferenceRows.TriggerOracle, Family = "reference", Version = "1",
        Description = "Scores 1 where the item carries the trigger, else 0: the AUROC a cue in the prompt alone explains.")]
    private sealed class TriggerOracle;

    [Method(ReferenceRows.ResponseText, Family = "reference", Version = "1",
        Description = "Bag-of-words logistic regression on the response text, cross-fitted on the eval labels by subject: the AUROC the answer's surface explains.")]
    private sealed class ResponseText;

    [Method(ReferenceRows.DirectQuestion, Family = "reference", Version = "1",
        Description = "The model's greedy answer to the elicitation question asked directly: the baseline an elicitor must beat.")]
    private sealed class DirectQuestion;

    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    /// <summary>One descriptor per reference row, by kind.</summary>
    public static IReadOnlyList<MethodDescriptor> Descriptors { get; } =
    [
        Descriptor<NoIntervention>(MethodKind.Intervention),
        Descriptor<TriggerOracle>(MethodKind.Detector),
        Descriptor<ResponseText>(MethodKind.Detector),
        Descriptor<DirectQuestion>(MethodKind.Elicitor),
    ];

    private static MethodDescriptor Descriptor<T>(MethodKind kind) => new()
    {
        Type = typeof(T), Attribute = (MethodAttribute)Attribute.GetCustomAttribute(typeof(T), typeof(MethodAttribute))!,
        Kind = kind, Parameters = [], Services = NoServices, IsReference = true,
    };

    public static List<SampleRecord> Run(MatrixCell cell, Func<ModelRun> modelRun, TestbedFingerprint fingerprint, RunOptions options, CancellationToken token)
    {
        switch (cell.Variant.Method.Name)
        {
            case ReferenceRows.TriggerOracle:
            {
                var run = modelRun();
                var all = All(run);
                return SampleBuilder.Detector(cell, all, all.Select(t => ItemFacts.Trigger(t.Item) == true ? 1.0 : 0.0).ToList());
            }
            case ReferenceRows.ResponseText:
            {
                var run = modelRun();
                var all = All(run);
                return SampleBuilder.Detector(cell, all, ResponseTextBaseline.Score(all, options.Seed));
            }
            case ReferenceRows.NoIntervention:
            {
                var run = modelRun();
                var items = fingerprint.Eval;
                int k = options.EffectiveSamplesPerItem;
                var requests = items.SelectMany(item => Enumerable.Range(0, k).Select(s => (item.Id, new GenerationRequest(Prompt.Chat(item.Messages),
                    k == 1 ? new SamplingOptions(InterventionMaxNewTokens, 0f, 1f, options.Seed)
                           : new SamplingOptions(InterventionMaxNewTokens, 1f, 1f, options.Seed + SeedStride * s))))).ToList();
                var responses = Generate(cell.Testbed.OpenModel(), requests, token);
                return SampleBuilder.Intervention(cell, items, id => responses[id], run);
            }
            case ReferenceRows.DirectQuestion:
            {
                var items = fingerprint.Elicit;
                var greedy = new SamplingOptions(options.MaxNewTokens, 0f, 1f, options.Seed);
                var responses = Generate(cell.Testbed.OpenModel(), items.Select(i => (i.Id, new GenerationRequest(Prompt.Chat(i.Messages), greedy))).ToList(), token);
                return SampleBuilder.Elicitor(cell, items, id => (responses[id], "the model's own answer to the question"));
            }
            default:
                throw new InvalidOperationException($"Unknown reference row '{cell.Variant.Method.Name}'.");
        }
    }

    private static List<LabelledTranscript> All(ModelRun run) => [.. run.Eval, .. run.Control, .. run.Counterfactual];

    /// <summary>Generations grouped by item id, in request order (several per item when k > 1).</summary>
    private static Dictionary<string, IReadOnlyList<string>> Generate(IModelHandle model, List<(string Id, GenerationRequest Request)> requests, CancellationToken token)
    {
        var texts = ModelRunStage.GenerateAll(model, requests.Select(r => r.Request).ToList(), token);
        return requests.Select((r, j) => (r.Id, Text: texts[j])).GroupBy(x => x.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Text).ToList(), StringComparer.Ordinal);
    }
}
