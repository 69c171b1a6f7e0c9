using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>Loads and validates what the probes train and score on: the layer (given relative to depth),
/// the instructed pairs, and activations. Every failure is a <see cref="MethodInputException"/> that says
/// which input is wrong, so the host fails only the cell.</summary>
internal static class ProbeInputs
{
    /// <summary>The instructed honest/deceptive pairs (Apollo, RepE) as transcripts ending with the fixed
    /// response; labels are 1 = deceptive. Requires both classes.</summary>
    public static LabelledExamples InstructedPairs(MethodContext context)
        => LabelledTranscripts(context, ResourceNames.InstructedPairs);

    public static LabelledExamples LabelledTranscripts(MethodContext context, string resource)
    {
        var items = context.Resources.Get(resource);
        if (items.Count == 0) throw new MethodInputException($"Resource '{resource}' is empty: probes need labelled examples to train on.");
        var transcripts = new List<Transcript>(items.Count);
        var labels = new float[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Response is null)
                throw new MethodInputException($"Resource '{resource}' item '{item.Id}' has no Response: instructed pairs must carry the assistant response to probe.");
            if (item.Label is not (0 or 1))
                throw new MethodInputException($"Resource '{resource}' item '{item.Id}' has label {item.Label?.ToString() ?? "null"}; expected 1 (deceptive) or 0 (honest).");
            transcripts.Add(new Transcript(item.Id, "train", [.. item.Messages, ChatMessage.Assistant(item.Response)]));
            labels[i] = item.Label.Value;
        }
        RequireBothClasses(labels, $"resource '{resource}'");
        return new LabelledExamples(transcripts, labels, items);
    }

    public static void RequireBothClasses(ReadOnlySpan<float> labels, string what)
    {
        int pos = 0;
        foreach (var y in labels) if (y > 0.5f) pos++;
        if (pos == 0 || pos == labels.Length)
            throw new MethodInputException($"The labels of {what} are all {(pos == 0 ? "honest (0)" : "deceptive (1)")}: a probe needs both classes.");
    }

    /// <summary>Residual-stream activations after block <paramref name="layer"/>, pooled per transcript, checked
    /// for shape and finiteness.</summary>
    public static Tensor ResidPost(MethodContext context, IReadOnlyList<Transcript> transcripts, int layer, string pooling)
    {
        string hook = HookNames.ResidPost(layer);
        var x = context.Activations.Get(context.Model, transcripts, hook, pooling);
        return CheckActivations(x, transcripts.Count, context.Model.Info.HiddenSize, hook);
    }

    public static Tensor CheckActivations(Tensor x, int rows, int hidden, string hook)
    {
        if (x.Rank != 2 || x.Rows != rows)
            throw new MethodInputException($"Activations at '{hook}' have shape {x} but {rows} rows were requested.");
        if (hidden > 0 && x.RowLength != hidden)
            throw new MethodInputException($"Activations at '{hook}' have width {x.RowLength} but the model's hidden size is {hidden}.");
        var data = x.Data;
        for (int i = 0; i < data.Length; i++)
            if (!float.IsFinite(data[i]))
                throw new MethodInputException($"Activations at '{hook}' contain {data[i]} at row {i / Math.Max(1, x.RowLength)}, column {i % Math.Max(1, x.RowLength)}: refusing to fit a probe on non-finite values.");
        return x;
    }

    /// <summary>One score per row: scores = x w + b, through the compute backend.</summary>
    public static double[] Project(IActivationCompute compute, Tensor x, ReadOnlySpan<float> w, float bias, string method)
    {
        var scores = new float[x.Rows];
        compute.ProjectScores(x.Data, x.Rows, x.RowLength, w, 1, [bias], scores);
        return ToCheckedDoubles(scores, method);
    }

    public static double[] ToCheckedDoubles(ReadOnlySpan<float> scores, string method)
    {
        var result = new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            if (!float.IsFinite(scores[i]))
                throw new MethodInputException($"{method} produced a non-finite score ({scores[i]}) for transcript {i}; the probe or its activations are degenerate.");
            result[i] = scores[i];
        }
        return result;
    }

    /// <summary>Indices of transcripts in the given split.</summary>
    public static int[] IndicesOfSplit(IReadOnlyList<Transcript> transcripts, string split)
    {
        var idx = new List<int>();
        for (int i = 0; i < transcripts.Count; i++) if (transcripts[i].Split == split) idx.Add(i);
        return idx.ToArray();
    }
}

/// <summary>Training examples of a resource: transcripts ending with the fixed response, their labels (1 = deceptive)
/// and, beside them, the resource items they came from (for their metadata, e.g. LAT's "pair").</summary>
internal sealed record LabelledExamples(List<Transcript> Transcripts, float[] Labels, IReadOnlyList<DatasetItem> Items)
{
    public void Deconstruct(out List<Transcript> transcripts, out float[] labels)
    {
        transcripts = Transcripts;
        labels = Labels;
    }
}
