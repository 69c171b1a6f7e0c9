using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Tests.Inference;

/// <summary>Inputs and plain single-pass references for the inference tests.</summary>
internal static class ReferenceRuns
{
    /// <summary>n seeded token ids below 512 (the vocabulary of the tiny test models).</summary>
    public static int[] Tokens(int seed, int n) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => r.Next(512)).ToArray(); }

    /// <summary>log P(continuation | prompt) from one forward pass over prompt + continuation, all logits kept.</summary>
    public static double ContinuationLogProb(TransformerModel model, int[] prompt, int[] continuation)
    {
        int vocab = model.Config.VocabSize;
        var logits = model.Forward(model.NewCache(), prompt.Concat(continuation).ToArray(), null, LogitsMode.All);
        double sum = 0;
        for (int t = 0; t < continuation.Length; t++)
            sum += Kernels.LogSoftmaxAt(logits.AsSpan((prompt.Length + t - 1) * vocab, vocab), continuation[t]);
        return sum;
    }
}
