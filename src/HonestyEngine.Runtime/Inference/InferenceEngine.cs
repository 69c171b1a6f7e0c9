using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Inference;

/// <summary>The result of generating from one prompt.</summary>
public sealed record GeneratedTokens(int[] Tokens, string FinishReason);

/// <summary>Generation, continuation scoring and hooked forward passes on token ids. Each sequence of a batch runs
/// against its own KV cache, in order, so a batch of prompts of different lengths gives exactly the results of
/// running them one by one (no padding enters any computation).</summary>
public sealed class InferenceEngine(TransformerModel model)
{
    public TransformerModel Model { get; } = model;

    private HookRunner? Runner(HookSpec? hooks, int promptLength) =>
        hooks is null || hooks.Read.Count == 0 && hooks.Edits.Count == 0 ? null
            : new HookRunner(hooks, promptLength, Model.Config.HiddenSize, Model.IsHook);

    /// <summary>Generates up to MaxNewTokens after the prompt: greedy at temperature 0, otherwise sampled from a
    /// generator seeded with Seed (temperature, top-p). Stops after a token in <paramref name="stopTokenIds"/>
    /// (which is kept in the output) or when <paramref name="stopWhen"/> says so for the tokens so far.</summary>
    public GeneratedTokens Generate(int[] prompt, SamplingOptions sampling, IReadOnlyCollection<int> stopTokenIds, HookSpec? hooks = null,
        Func<IReadOnlyList<int>, bool>? stopWhen = null, bool useAdapter = true, CancellationToken cancellationToken = default)
    {
        if (prompt.Length == 0) throw new ArgumentException("Cannot generate from an empty prompt.");
        if (sampling.MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(sampling), "MaxNewTokens must be >= 0.");
        if (!(sampling.TopP > 0 && sampling.TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(sampling), $"TopP must be in (0, 1], got {sampling.TopP}.");
        if (float.IsNaN(sampling.Temperature) || sampling.Temperature < 0) throw new ArgumentOutOfRangeException(nameof(sampling), $"Temperature must be >= 0, got {sampling.Temperature}.");
        var runner = Runner(hooks, prompt.Length);
        var cache = Model.NewCache(prompt.Length + sampling.MaxNewTokens + 1);
        var rng = new Random(sampling.Seed);
        var output = new List<int>();
        if (sampling.MaxNewTokens == 0) return new([], "length");
        var logits = Model.Forward(cache, prompt, runner, LogitsMode.Last, useAdapter, cancellationToken);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int next = Sampling.Sample(logits, sampling.Temperature, sampling.TopP, rng);
            output.Add(next);
            if (stopTokenIds.Contains(next) || stopWhen?.Invoke(output) == true) return new([.. output], "stop");
            if (output.Count >= sampling.MaxNewTokens) return new([.. output], "length");
            if (Model.Config.LearnedPositions && cache.Length + 1 > Model.Config.MaxPositions) return new([.. output], "length");
            logits = Model.Forward(cache, [next], runner, LogitsMode.Last, useAdapter, cancellationToken);
        }
    }

    /// <summary>Summed log-probability of each continuation after the prompt (the prompt is run once; each
    /// continuation branches off a copy of its KV cache). Hook edits apply as in generation.</summary>
    public double[] ContinuationLogProbs(int[] prompt, IReadOnlyList<int[]> continuations, HookSpec? hooks = null, bool useAdapter = true,
        CancellationToken cancellationToken = default)
    {
        if (prompt.Length == 0) throw new ArgumentException("Continuation scoring needs a non-empty prompt.");
        var runner = Runner(hooks, prompt.Length);
        var cache = Model.NewCache(prompt.Length + continuations.Select(c => c.Length).DefaultIfEmpty(0).Max() + 1);
        var last = Model.Forward(cache, prompt, runner, LogitsMode.Last, useAdapter, cancellationToken);
        int v = Model.Config.VocabSize;
        var result = new double[continuations.Count];
        for (int i = 0; i < continuations.Count; i++)
        {
            var cont = continuations[i];
            if (cont.Length == 0) throw new ArgumentException($"Continuation {i} is empty (tokenizes to no tokens).");
            double sum = Kernels.LogSoftmaxAt(last, cont[0]);
            if (cont.Length > 1)
            {
                var branch = cache.Clone();
                var logits = Model.Forward(branch, cont.AsSpan(0, cont.Length - 1), runner, LogitsMode.All, useAdapter, cancellationToken);
                for (int t = 1; t < cont.Length; t++) sum += Kernels.LogSoftmaxAt(logits.AsSpan((t - 1) * v, v), cont[t]);
            }
            result[i] = sum;
        }
        return result;
    }

    /// <summary>One forward pass over the tokens that records (and edits) the hooks asked for.</summary>
    public ForwardResult Forward(int[] tokens, HookSpec hooks, bool returnLogits, bool useAdapter = true, CancellationToken cancellationToken = default)
    {
        var runner = new HookRunner(hooks, tokens.Length, Model.Config.HiddenSize, Model.IsHook);
        var cache = Model.NewCache(tokens.Length);
        var logits = Model.Forward(cache, tokens, runner, returnLogits ? LogitsMode.All : LogitsMode.None, useAdapter, cancellationToken);
        var (acts, positions) = runner.Results();
        return new ForwardResult(acts, tokens, positions, returnLogits ? new Tensor([tokens.Length, Model.Config.VocabSize], logits) : null);
    }
}
