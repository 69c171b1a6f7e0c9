using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>An uncached <see cref="IActivationProvider"/> over any model: one forward pass per transcript,
/// pooled over the final assistant response's tokens ("last" = its final token, "mean" = their mean).</summary>
public sealed class TestActivationProvider : IActivationProvider
{
    public int Calls { get; private set; }

    public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last")
    {
        Calls++;
        var rows = new List<float[]>();
        foreach (var t in transcripts)
        {
            var prefix = Prompt.Chat(t.Messages.Take(t.Messages.Count - 1).ToList());
            int start = model.Tokenizer.Encode(model.Render(prefix)).Length;
            int count = model.Tokenizer.Encode(t.Response).Length;
            var full = Prompt.Chat(t.Messages) with { Render = ChatRenderOptions.Complete };
            var result = model.Forward([new ForwardRequest(full, HookSpec.Reading(PositionSelector.All, hook))])[0];
            rows.Add(Pool(result.Activations[hook], start, Math.Max(1, count), pooling));
        }
        return Tensor.FromRows(rows);
    }

    public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last")
    {
        Calls++;
        var rows = new List<float[]>();
        foreach (var p in prompts)
        {
            var act = model.Forward([new ForwardRequest(p, HookSpec.Reading(PositionSelector.All, hook))])[0].Activations[hook];
            rows.Add(Pool(act, 0, act.Rows, pooling));
        }
        return Tensor.FromRows(rows);
    }

    private static float[] Pool(Tensor act, int start, int count, string pooling)
    {
        int d = act.RowLength;
        start = Math.Min(start, act.Rows - 1);
        int end = Math.Min(act.Rows, start + count);
        var v = new float[d];
        if (pooling == "last") { act.ReadRow(end - 1).CopyTo(v); return v; }
        if (pooling != "mean") throw new ArgumentException($"Unknown pooling '{pooling}'.");
        for (int p = start; p < end; p++) { var r = act.ReadRow(p); for (int j = 0; j < d; j++) v[j] += r[j] / (end - start); }
        return v;
    }
}
