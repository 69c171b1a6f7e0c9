using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Steering;

/// <summary>Activation statistics and hooked sampling shared by the steering interventions.</summary>
internal static class SteeringSupport
{
    public static IReadOnlyList<ChatMessage> Conversation(PromptItem item, string method)
    {
        if (!item.Messages.Any(m => m.Role == "user"))
            throw new MethodInputException($"{method}: item '{item.Id}' has no user turn to answer.");
        return item.Messages;
    }

    /// <summary>RMS of residual entries at the hook over every position of the prompts.</summary>
    public static double ResidualRms(MethodContext context, IReadOnlyList<Prompt> prompts, string hook, string method)
    {
        double sum = 0; long count = 0;
        foreach (var chunk in prompts.Chunk(16))
            foreach (var r in context.Model.Forward(chunk.Select(p => new ForwardRequest(p, HookSpec.Reading(PositionSelector.All, hook))).ToList(), context.CancellationToken))
            {
                if (!r.Activations.TryGetValue(hook, out var t)) throw new MethodInputException($"{method}: the model returned no activations at '{hook}'.");
                foreach (var v in t.Data) { sum += (double)v * v; count++; }
            }
        double rms = Math.Sqrt(sum / Math.Max(1, count));
        if (!double.IsFinite(rms) || rms <= 0) throw new MethodInputException($"{method}: activations at '{hook}' have RMS {rms}.");
        return rms;
    }

    /// <summary>Samples SamplesPerItem responses per item with per-request hooks (greedy when 1, else temperature 1).</summary>
    public static List<InterventionOutcome> Sample(MethodContext context, IReadOnlyList<PromptItem> items, Func<PromptItem, Prompt> build,
        Func<PromptItem, int, HookSpec> hooks)
    {
        int k = Math.Max(1, context.SamplesPerItem);
        var outcomes = new List<InterventionOutcome>(items.Count);
        foreach (var item in items)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var prompt = build(item);
            var requests = Enumerable.Range(0, k).Select(s => new GenerationRequest(prompt,
                k == 1 ? new SamplingOptions(64, 0f, 1f, context.Seed) : new SamplingOptions(64, 1f, 1f, context.Seed + 7919 * s),
                hooks(item, s))).ToList();
            var results = context.Model.Generate(requests, context.CancellationToken);
            if (results.Count != requests.Count) throw new MethodInputException($"The model returned {results.Count} generations for {requests.Count} requests.");
            outcomes.Add(new InterventionOutcome(item.Id, results.Select(r => r.Text).ToList()));
        }
        return outcomes;
    }
}
