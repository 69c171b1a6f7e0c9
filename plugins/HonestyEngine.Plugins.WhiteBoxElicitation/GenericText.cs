using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

/// <summary>Generic chat (the instruction-following resource: no secret, no deception) run through a model with the
/// residual stream read at every token. It is the reference the SAE's elicit features are measured against, the
/// activation oracle's training text, and the prompts model diffing compares the testbed and its base on.</summary>
internal static class GenericText
{
    /// <summary>One forward pass: token ids, activations [tokens, d] and, if asked for, logits [tokens, vocab].</summary>
    public sealed record Sequence(int[] TokenIds, Tensor Activations, Tensor? Logits);

    /// <summary>Up to <paramref name="maxPrompts"/> conversations of the resource; an item with a fixed response is
    /// rendered complete (its response is part of the text), otherwise up to the generation prompt.</summary>
    public static List<Prompt> Prompts(MethodContext context, string method, int maxPrompts)
    {
        var items = context.Resources.Get(ResourceNames.InstructionFollowing);
        var prompts = items.Where(i => i.Messages.Count > 0).Take(maxPrompts)
            .Select(i => i.Response is null ? Prompt.Chat(i.Messages)
                : Prompt.Chat([.. i.Messages, ChatMessage.Assistant(i.Response)]) with { Render = ChatRenderOptions.Complete })
            .ToList();
        if (prompts.Count == 0)
            throw new MethodInputException($"{method}: resource '{ResourceNames.InstructionFollowing}' has no conversations; it needs generic text.");
        return prompts;
    }

    /// <summary>Forward passes over <paramref name="prompts"/> (in batches of 8) reading <paramref name="hook"/> at every
    /// token, until <paramref name="maxTokens"/> tokens have been read (whole sequences; the last one may pass the cap).
    /// Checks widths, shapes and finiteness so that a broken model fails the cell with a message instead of numbers.</summary>
    public static List<Sequence> Read(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, int maxTokens,
        bool logits, string method, CancellationToken cancellationToken)
    {
        var sequences = new List<Sequence>();
        int tokens = 0, d = model.Info.HiddenSize, vocab = model.Info.VocabSize;
        const int chunk = 8;
        for (int start = 0; start < prompts.Count && tokens < maxTokens; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = prompts.Skip(start).Take(chunk)
                .Select(p => new ForwardRequest(p, HookSpec.Reading(PositionSelector.All, hook), logits)).ToList();
            foreach (var result in model.Forward(batch, cancellationToken))
            {
                if (tokens >= maxTokens) break;
                if (!result.Activations.TryGetValue(hook, out var act))
                    throw new MethodInputException($"{method}: model '{model.Info.Name}' returned no activations at '{hook}'.");
                if (act.Rows != result.TokenIds.Length || act.RowLength != d)
                    throw new MethodInputException($"{method}: activations at '{hook}' of model '{model.Info.Name}' have shape {act}; expected [{result.TokenIds.Length}, {d}].");
                CheckFinite(act, $"activations at '{hook}' of model '{model.Info.Name}'", method);
                if (logits)
                {
                    if (result.Logits is not { } l || l.Rows != result.TokenIds.Length || l.RowLength != vocab)
                        throw new MethodInputException($"{method}: model '{model.Info.Name}' returned logits {result.Logits?.ToString() ?? "null"}; expected [{result.TokenIds.Length}, {vocab}].");
                    CheckFinite(l, $"logits of model '{model.Info.Name}'", method);
                }
                if (act.Rows == 0) continue;
                sequences.Add(new Sequence(result.TokenIds, act, result.Logits));
                tokens += act.Rows;
            }
        }
        if (tokens == 0) throw new MethodInputException($"{method}: resource '{ResourceNames.InstructionFollowing}' gave no tokens.");
        return sequences;
    }

    /// <summary>Rows of several [*, d] tensors stacked into one.</summary>
    public static Tensor Stack(IEnumerable<Tensor> parts)
    {
        var list = parts.ToList();
        int d = list.Count == 0 ? 0 : list[0].RowLength, rows = list.Sum(p => p.Rows);
        var result = new Tensor([rows, d]);
        int offset = 0;
        foreach (var p in list)
        {
            if (p.RowLength != d) throw new MethodInputException($"Cannot stack activations of widths {d} and {p.RowLength}.");
            p.Data.CopyTo(result.Data, offset);
            offset += p.Length;
        }
        return result;
    }

    /// <summary>Column means of a [n, d] tensor.</summary>
    public static float[] ColumnMean(Tensor x)
    {
        int n = x.Rows, d = x.RowLength;
        var sum = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = x.ReadRow(i);
            for (int j = 0; j < d; j++) sum[j] += row[j];
        }
        return Array.ConvertAll(sum, s => (float)(s / Math.Max(1, n)));
    }

    public static void CheckFinite(Tensor t, string what, string method)
    {
        foreach (var v in t.Data)
            if (!float.IsFinite(v)) throw new MethodInputException($"{method}: {what} contain {v}.");
    }
}
