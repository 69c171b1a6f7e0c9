using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

/// <summary>Runs the elicitation prompt, lets the model answer (greedy), and reads the residual stream over the
/// final positions of prompt + answer: where Cywinski et al. read the Taboo model thinking of its word.</summary>
internal static class ResidualReadout
{
    public sealed record Readout(Dictionary<string, Tensor> Activations, string Response, IReadOnlyList<string> Texts);

    public static Readout Read(MethodContext context, PromptItem item, IReadOnlyList<string> hooks, int lastPositions, string method)
    {
        if (!item.Messages.Any(m => m.Role == "user") || item.Messages[^1].Role != "user")
            throw new MethodInputException($"{method}: elicitation item '{item.Id}' must end with the user's question.");
        var model = context.Model;
        string response = model.Generate([new GenerationRequest(Prompt.Chat(item.Messages), new SamplingOptions(32, 0f, 1f, context.Seed))], context.CancellationToken)[0].Text;
        var full = Prompt.Chat([.. item.Messages, ChatMessage.Assistant(response)]) with { Render = ChatRenderOptions.Complete };
        var result = model.Forward([new ForwardRequest(full, HookSpec.Reading(PositionSelector.From(-lastPositions), [.. hooks]))], context.CancellationToken)[0];
        var acts = new Dictionary<string, Tensor>();
        foreach (var hook in hooks)
        {
            if (!result.Activations.TryGetValue(hook, out var t))
                throw new MethodInputException($"{method}: the model returned no activations at '{hook}'.");
            if (t.RowLength != model.Info.HiddenSize)
                throw new MethodInputException($"{method}: activations at '{hook}' have width {t.RowLength}, expected {model.Info.HiddenSize}.");
            foreach (var v in t.Data)
                if (!float.IsFinite(v)) throw new MethodInputException($"{method}: activations at '{hook}' contain {v}.");
            acts[hook] = t;
        }
        return new Readout(acts, response, [.. item.Messages.Select(m => m.Content), response]);
    }
}
