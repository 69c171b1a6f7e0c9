using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Store;

/// <summary>What to run for one transcript or prompt: the prompt fed to the model, the positions to read,
/// and the exact text that was rendered (it keys the cache).</summary>
internal sealed record PooledRequest(Prompt Prompt, PositionSelector Positions, string RenderedText);

/// <summary>Turns transcripts and prompts into forward requests for a pooling mode.
///
/// Transcripts ending with an assistant message are rendered with that message as the final, continued turn
/// (<see cref="ChatRenderOptions.Prefill"/>: the text ends with the response's last token, without the
/// end-of-turn marker). "last" reads that final token. "mean" averages the response tokens: the response
/// span is the token count of the full render minus the token count of the conversation rendered without
/// the final assistant message (<c>Render(Prompt.Chat(messages[..^1]))</c>, which ends with the assistant
/// header), both counted with <c>Tokenizer.Encode</c>. An empty response falls back to the last token.
/// Transcripts without a final assistant message are rendered with the generation prompt; "mean" is then
/// an error because there is no response to average.</summary>
internal static class PooledRequests
{
    public const string Last = "last", Mean = "mean";

    public static void CheckPooling(string pooling)
    {
        if (pooling is not (Last or Mean))
            throw new MethodInputException($"Unknown pooling '{pooling}': expected \"last\" (final token) or \"mean\" (mean over the response tokens).");
    }

    public static PooledRequest ForTranscript(IModelHandle model, Transcript t, string pooling)
    {
        var messages = t.Messages;
        bool endsWithResponse = messages.Count > 0 && messages[^1].Role == "assistant";
        if (!endsWithResponse)
        {
            if (pooling == Mean)
                throw new MethodInputException($"Transcript '{t.Id}' does not end with an assistant message, so there is no response to mean-pool; use pooling \"last\".");
            var prompt = Prompt.Chat(messages);
            return new PooledRequest(prompt, PositionSelector.Last, model.Render(prompt));
        }
        var full = new Prompt { Messages = messages, Render = ChatRenderOptions.Prefill };
        string fullText = model.Render(full);
        if (pooling == Last) return new PooledRequest(full, PositionSelector.Last, fullText);

        string prefixText = model.Render(Prompt.Chat(messages.Take(messages.Count - 1).ToList()));
        int responseTokens = model.Tokenizer.Encode(fullText).Length - model.Tokenizer.Encode(prefixText).Length;
        var positions = responseTokens > 0 ? PositionSelector.From(-responseTokens) : PositionSelector.Last;
        return new PooledRequest(full, positions, fullText);
    }

    public static PooledRequest ForPrompt(IModelHandle model, Prompt p, string pooling)
        => new(p, pooling == Mean ? PositionSelector.All : PositionSelector.Last, model.Render(p));
}
