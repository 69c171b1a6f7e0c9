using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Prompting;

/// <summary>Samples the responses of an intervention: one greedy response per item when SamplesPerItem is 1,
/// otherwise SamplesPerItem responses at temperature 1 with distinct seeds (Wang et al. sample several and average).</summary>
internal static class InterventionSampler
{
    public const int MaxNewTokens = 64;
    private const int Batch = 16;

    public static List<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items,
        Func<PromptItem, Prompt> build, Func<string, string>? clean = null, IReadOnlyList<string>? stop = null)
    {
        int k = Math.Max(1, context.SamplesPerItem);
        var requests = new List<(int Item, GenerationRequest Request)>();
        for (int i = 0; i < items.Count; i++)
        {
            var prompt = build(items[i]);
            for (int s = 0; s < k; s++)
            {
                var sampling = k == 1
                    ? new SamplingOptions(MaxNewTokens, 0f, 1f, context.Seed, stop)
                    : new SamplingOptions(MaxNewTokens, 1f, 1f, context.Seed + 7919 * s, stop);
                requests.Add((i, new GenerationRequest(prompt, sampling)));
            }
        }
        var responses = new List<string>[items.Count];
        for (int i = 0; i < items.Count; i++) responses[i] = new List<string>(k);
        for (int start = 0; start < requests.Count; start += Batch)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var chunk = requests.Skip(start).Take(Batch).ToList();
            var results = context.Model.Generate(chunk.Select(r => r.Request).ToList(), context.CancellationToken);
            if (results.Count != chunk.Count)
                throw new MethodInputException($"The model returned {results.Count} generations for {chunk.Count} requests.");
            for (int j = 0; j < chunk.Count; j++)
                responses[chunk[j].Item].Add(clean is null ? results[j].Text : clean(results[j].Text));
        }
        return items.Select((item, i) => new InterventionOutcome(item.Id, responses[i])).ToList();
    }

    /// <summary>The item's messages, checked to contain a user turn to answer.</summary>
    public static IReadOnlyList<ChatMessage> Conversation(PromptItem item, string method)
    {
        if (item.Messages.Count == 0)
            throw new MethodInputException($"{method}: item '{item.Id}' has no messages.");
        if (!item.Messages.Any(m => m.Role == "user"))
            throw new MethodInputException($"{method}: item '{item.Id}' has no user turn to answer.");
        return item.Messages;
    }

    /// <summary>Text after a prefill marker the model may echo back.</summary>
    public static string StripLeading(string text, string marker)
    {
        var t = text.TrimStart();
        return t.StartsWith(marker, StringComparison.Ordinal) ? t[marker.Length..].TrimStart() : text.Trim();
    }
}
