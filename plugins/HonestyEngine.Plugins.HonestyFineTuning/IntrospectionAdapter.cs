using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.SelfReport;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("introspection-adapter", Family = "grey-box/fine-tuning (elicitation)", Anchor = "Shenoy et al. 2026 (introspection adapters)",
    Description = "One LoRA trained jointly across the run's other testbeds on the same base model (leave-one-out: never the "
        + "tested one nor its variants with the same description or secret, which the host leaves out), each testbed's own model taught to state what it was fine-tuned to do (its testbed.json description, "
        + "trigger, lie definition and secret; controls: 'nothing unusual'), then applied to the tested model, which is asked "
        + "its elicitation question and two introspection questions; the answers are the guesses. SFT only (the paper adds DPO); "
        + "LoRA rank 8, lr 1e-3, 200 steps of 8 (16 in the quick profile) as the honesty fine-tunes. Needs a runtime that trains one adapter across "
        + "models (FineTuneRequest.Sources) and a host that passes the run's testbeds (MethodContext.RunTestbeds).",
    TimeBudgetSeconds = 1800)]
public sealed class IntrospectionAdapter : IElicitor
{
    private const string Name = "introspection-adapter";
    private const int MaxNewTokens = 64;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        foreach (var item in items)
            if (!item.Messages.Any(m => m.Role == "user"))
                throw new MethodInputException($"{Name}: elicitation item '{item.Id}' has no user turn to ask.");
        var tuned = Train(context);
        // The introspection questions do not depend on the item: asked once, appended to every item's guesses.
        var introspection = Ask(context, tuned, IntrospectionData.EvalQuestions.Select(q => Prompt.Chat([ChatMessage.User(q)])).ToList());
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var guesses = Ask(context, tuned, [Prompt.Chat(item.Messages)]).Concat(introspection).ToList();
            outcomes.Add(new ElicitationOutcome(item.Id, guesses, string.Join("\n", guesses.Select((g, k) => $"[{k}] {g}"))));
        }
        return outcomes;
    }

    private static List<string> Ask(MethodContext context, IModelHandle model, IReadOnlyList<Prompt> prompts)
    {
        var results = model.Generate(prompts.Select(p => new GenerationRequest(p, new SamplingOptions(MaxNewTokens, 0f, 1f, context.Seed))).ToList(),
            context.CancellationToken);
        if (results.Count != prompts.Count)
            throw new MethodInputException($"{Name}: the model returned {results.Count} generations for {prompts.Count} requests.");
        return results.Select(r => r.Text.Trim()).ToList();
    }

    /// <summary>The tested model with the adapter trained on the other testbeds (saved under the cell's cache folder).</summary>
    internal static IModelHandle Train(MethodContext context)
    {
        var target = context.Testbed;
        var sources = Sources(context);
        var model = context.Model;
        var request = new FineTuneRequest(
            Name: $"introspection-without-{target.Name}-seed{context.Seed}",
            Data: [],
            Steps: context.Profile == RunProfile.Quick ? HonestyFineTunes.QuickSteps : HonestyFineTunes.Steps,
            LearningRate: HonestyFineTunes.LearningRate,
            LoraRank: HonestyFineTunes.LoraRank,
            LoraAlpha: HonestyFineTunes.LoraAlpha,
            BatchSize: HonestyFineTunes.BatchSize,
            Seed: context.Seed) { Sources = sources };
        // The fingerprint covers the sources' data (their names, questions and answers), not just the request's.
        var fingerprint = HonestyFineTunes.Fingerprint(request with { Data = sources.SelectMany(s => s.Data).ToList() });
        request = request with { OutputDirectory = Path.Combine(context.CacheDirectory, "fine-tunes", $"{request.Name}-{fingerprint}") };
        context.Log($"{Name}: training one adapter across {sources.Count} testbeds ({sources.Sum(s => s.Data.Count)} examples), leaving out '{target.Name}'");
        try
        {
            return model.FineTune(request, context.CancellationToken);
        }
        catch (NotSupportedException e)
        {
            throw new MethodInputException($"{Name}: the runtime of model '{model.Info.Name}' cannot train one adapter across models (FineTuneRequest.Sources): {e.Message}", e);
        }
        catch (MethodInputException e) when (e.Message.Contains("no training data", StringComparison.Ordinal))
        {
            // A runtime that ignores Sources sees a request with no data and says so; name the real cause too.
            throw new MethodInputException($"{Name}: training the shared adapter for model '{model.Info.Name}' failed; a runtime that cannot train "
                + $"across models (FineTuneRequest.Sources) sees an empty Data: {e.Message}", e);
        }
    }

    /// <summary>The run's other testbeds on the tested one's base model, each with its own model and data.</summary>
    internal static List<FineTuneSource> Sources(MethodContext context)
    {
        var target = context.Testbed;
        // The host leaves the tested testbed and its variants (the same behaviour implanted another way, e.g. the four
        // quirk-defend-objects organisms) out of RunTestbeds: otherwise the adapter could recite a memorised description
        // instead of introspecting.
        var others = context.RunTestbeds.ToList();
        var sameBase = others.Where(t => t.Info.BaseModel == target.BaseModel).ToList();
        if (sameBase.Count(t => !t.Info.IsControl) < 2)
            throw new MethodInputException(
                $"{Name}: needs at least two other testbeds with known behaviours on the base model of '{target.Name}' ('{target.BaseModel ?? "none"}') " +
                $"to train on; the run has {others.Count} other testbed(s)" +
                (others.Count == 0 ? " (the host passed none in MethodContext.RunTestbeds)." : $": {string.Join(", ", others.Select(t => $"'{t.Info.Name}' (base '{t.Info.BaseModel ?? "none"}')"))}."));
        return sameBase.Select(t => new FineTuneSource(t.OpenModel(), IntrospectionData.Items(t))).ToList();
    }
}
