using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Inference;

/// <summary>The result of generating from one prompt.</summary>
public sealed record GeneratedTokens(int[] Tokens, string FinishReason);

/// <summary>Generation, continuation scoring and hooked forward passes on token ids. Each sequence of a batch runs
/// against its own KV cache, in order, so a batch of prompts of different lengths gives exactly the results of
/// running them one by one (no padding enters any computation).
/// <para>Prompts of <see cref="Generate"/> and <see cref="ContinuationLogProbs"/> are prefilled in position-aligned
/// chunks of <see cref="PrefillChunk"/> tokens ([0, C), [C, 2C), ...). A chunk's numbers depend only on its tokens and
/// on the KV cache of the positions before it, so a prompt may continue from a copy of the cache another prompt with
/// the same first chunks left behind (<paramref name="prefix"/> arguments, <see cref="SharedPrefixes"/>) and gets
/// bit-for-bit the numbers of prefilling it alone.</para></summary>
public sealed class InferenceEngine(TransformerModel model)
{
    public TransformerModel Model { get; } = model;

    /// <summary>Tokens per prefill chunk: the granularity at which prompts share a prefix. Small enough that short
    /// shared instructions are reused, large enough that each chunk is still an efficient GEMM.</summary>
    public const int PrefillChunk = 32;

    /// <summary>Prompt tokens run through the model so far (prefix reuse makes this smaller than the prompts' total).</summary>
    public long PrefilledTokens => Interlocked.Read(ref _prefilledTokens);
    private long _prefilledTokens;

    /// <summary>Runs <paramref name="tokens"/> (positions cache.Length..) in aligned chunks; logits as asked, of the
    /// last chunk only for <see cref="LogitsMode.Last"/>. The cache must end on a chunk boundary or be empty.</summary>
    internal float[] Prefill(KvCache cache, ReadOnlySpan<int> tokens, HookRunner? runner, LogitsMode mode, bool useAdapter, CancellationToken cancellationToken)
    {
        if (tokens.Length == 0) throw new ArgumentException("Prefill needs at least one token.");
        if (cache.Length % PrefillChunk != 0)
            throw new InvalidOperationException($"A prefill continues from a chunk boundary; the cache holds {cache.Length} positions.");
        Interlocked.Add(ref _prefilledTokens, tokens.Length);
        int v = Model.Config.VocabSize;
        float[]? all = mode == LogitsMode.All ? new float[tokens.Length * v] : null;
        float[] last = [];
        for (int done = 0; done < tokens.Length;)
        {
            int n = Math.Min(PrefillChunk, tokens.Length - done);
            bool final = done + n == tokens.Length;
            var chunkMode = mode == LogitsMode.All ? LogitsMode.All : final ? mode : LogitsMode.None;
            var logits = Model.Forward(cache, tokens.Slice(done, n), runner, chunkMode, useAdapter, cancellationToken);
            if (all is not null) logits.CopyTo(all, done * v);
            else if (final) last = logits;
            done += n;
        }
        return all ?? last;
    }

    /// <summary>The cache after the first <paramref name="length"/> tokens of <paramref name="tokens"/> (a multiple of
    /// <see cref="PrefillChunk"/>, without hooks), starting from the first <paramref name="fromLength"/> positions of
    /// <paramref name="from"/> when that cache holds the same leading tokens (it is copied, not changed).</summary>
    public KvCache PrefillPrefix(int[] tokens, int length, KvCache? from = null, int fromLength = 0, bool useAdapter = true,
        CancellationToken cancellationToken = default)
    {
        if (length % PrefillChunk != 0 || length <= 0 || length > tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(length), $"A shared prefix is a positive multiple of {PrefillChunk} tokens, at most the prompt's {tokens.Length}; got {length}.");
        if (from is null) fromLength = 0;
        if (fromLength % PrefillChunk != 0 || fromLength < 0 || fromLength > length || from is not null && fromLength > from.Length)
            throw new ArgumentOutOfRangeException(nameof(fromLength), $"Cannot continue a {length}-token prefix from {fromLength} positions of a cache of {from?.Length ?? 0}.");
        var cache = from is null ? Model.NewCache(length) : from.Clone(fromLength, length - fromLength);
        if (cache.Length < length) Prefill(cache, tokens.AsSpan(cache.Length, length - cache.Length), null, LogitsMode.None, useAdapter, cancellationToken);
        return cache;
    }

    /// <summary>A fresh cache for a prompt, or a copy of the cache of its shared prefix (the first prefix.Length tokens).</summary>
    private KvCache StartCache(int[] prompt, KvCache? prefix, int extra, HookSpec? hooks)
    {
        if (prefix is null) return Model.NewCache(prompt.Length + extra);
        if (hooks is not null && (hooks.Read.Count > 0 || hooks.Edits.Count > 0))
            throw new ArgumentException("A shared-prefix cache was computed without hooks; a hooked request must prefill its whole prompt.");
        if (prefix.Length >= prompt.Length)
            throw new ArgumentException($"A shared prefix of {prefix.Length} tokens leaves nothing of the {prompt.Length}-token prompt to run.");
        return prefix.Clone(prefix.Length, prompt.Length - prefix.Length + extra);
    }

    private HookRunner? Runner(HookSpec? hooks, int promptLength) =>
        hooks is null || hooks.Read.Count == 0 && hooks.Edits.Count == 0 ? null
            : new HookRunner(hooks, promptLength, Model.Config.HiddenSize, Model.IsHook);

    /// <summary>Generates up to MaxNewTokens after the prompt: greedy at temperature 0, otherwise sampled from a
    /// generator seeded with Seed (temperature, top-p). Stops after a token in <paramref name="stopTokenIds"/>
    /// (which is kept in the output) or when <paramref name="stopWhen"/> says so for the tokens so far.</summary>
    /// <param name="prefix">Optional: the KV cache of the prompt's first prefix.Length tokens (a chunk multiple, computed
    /// by <see cref="PrefillPrefix"/> for these same tokens without hooks); it is copied, not changed.</param>
    public GeneratedTokens Generate(int[] prompt, SamplingOptions sampling, IReadOnlyCollection<int> stopTokenIds, HookSpec? hooks = null,
        Func<IReadOnlyList<int>, bool>? stopWhen = null, bool useAdapter = true, CancellationToken cancellationToken = default, KvCache? prefix = null)
    {
        var sequence = Start(prompt, sampling, hooks, stopWhen, useAdapter, cancellationToken, prefix);
        Decode([sequence], stopTokenIds, useAdapter, cancellationToken);
        return sequence.Result!;
    }

    /// <summary>One generation in progress: its cache, sampler state, tokens so far and the logits to sample from next.</summary>
    public sealed class Sequence
    {
        internal KvCache Cache = null!;
        internal HookRunner? Runner;
        internal Random Rng = null!;
        internal SamplingOptions Sampling = null!;
        internal Func<IReadOnlyList<int>, bool>? StopWhen;
        internal readonly List<int> Output = [];
        internal ReadOnlyMemory<float> Logits;
        /// <summary>Set once the sequence has finished.</summary>
        public GeneratedTokens? Result { get; internal set; }
    }

    /// <summary>Checks the request and prefills its prompt (chunk-aligned, from <paramref name="prefix"/> when given):
    /// the first half of <see cref="Generate"/>; <see cref="Decode"/> finishes it, alone or with others.</summary>
    public Sequence Start(int[] prompt, SamplingOptions sampling, HookSpec? hooks = null, Func<IReadOnlyList<int>, bool>? stopWhen = null,
        bool useAdapter = true, CancellationToken cancellationToken = default, KvCache? prefix = null)
    {
        if (prompt.Length == 0) throw new ArgumentException("Cannot generate from an empty prompt.");
        if (sampling.MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(sampling), "MaxNewTokens must be >= 0.");
        if (!(sampling.TopP > 0 && sampling.TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(sampling), $"TopP must be in (0, 1], got {sampling.TopP}.");
        if (float.IsNaN(sampling.Temperature) || sampling.Temperature < 0) throw new ArgumentOutOfRangeException(nameof(sampling), $"Temperature must be >= 0, got {sampling.Temperature}.");
        var sequence = new Sequence { Runner = Runner(hooks, prompt.Length), Rng = new Random(sampling.Seed), Sampling = sampling, StopWhen = stopWhen };
        if (sampling.MaxNewTokens == 0)
        {
            sequence.Result = new([], "length");
            return sequence;
        }
        sequence.Cache = StartCache(prompt, prefix, sampling.MaxNewTokens + 1, hooks);
        sequence.Logits = Prefill(sequence.Cache, prompt.AsSpan(sequence.Cache.Length), sequence.Runner, LogitsMode.Last, useAdapter, cancellationToken);
        return sequence;
    }

    /// <summary>Samples and decodes the sequences until each has finished. Each step, every unfinished sequence samples
    /// its next token from its own generator; those that go on are run together, up to
    /// <see cref="TransformerModel.MaxDecodeBatch"/> per <see cref="TransformerModel.DecodeStep"/>, which reads the
    /// weights once for all of them and computes each exactly as alone. So tokens never depend on which sequences
    /// share a step.</summary>
    public void Decode(IReadOnlyList<Sequence> sequences, IReadOnlyCollection<int> stopTokenIds, bool useAdapter = true, CancellationToken cancellationToken = default)
    {
        var active = sequences.Where(q => q.Result is null).ToList();
        var next = new List<int>(active.Count);
        while (active.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            next.Clear();
            var going = new List<Sequence>(active.Count);
            foreach (var q in active)
            {
                int token = Sampling.Sample(q.Logits.Span, q.Sampling.Temperature, q.Sampling.TopP, q.Rng);
                q.Output.Add(token);
                if (stopTokenIds.Contains(token) || q.StopWhen?.Invoke(q.Output) == true) q.Result = new([.. q.Output], "stop");
                else if (q.Output.Count >= q.Sampling.MaxNewTokens) q.Result = new([.. q.Output], "length");
                else if (Model.Config.LearnedPositions && q.Cache.Length + 1 > Model.Config.MaxPositions) q.Result = new([.. q.Output], "length");
                else { going.Add(q); next.Add(token); }
            }
            int v = Model.Config.VocabSize;
            for (int start = 0; start < going.Count; start += TransformerModel.MaxDecodeBatch)
            {
                int n = Math.Min(TransformerModel.MaxDecodeBatch, going.Count - start);
                var group = going.GetRange(start, n);
                var logits = Model.DecodeStep(group.Select(q => q.Cache).ToList(), next.ToArray().AsSpan(start, n),
                    group.Select(q => q.Runner).ToList(), useAdapter, cancellationToken);
                for (int i = 0; i < n; i++) group[i].Logits = logits.AsMemory(i * v, v);
            }
            active = going;
        }
    }

    /// <summary>Summed log-probability of each continuation after the prompt (the prompt is run once; each
    /// continuation branches off a copy of its KV cache). Hook edits apply as in generation.</summary>
    /// <param name="prefix">Optional shared-prefix cache, as for <see cref="Generate"/>.</param>
    public double[] ContinuationLogProbs(int[] prompt, IReadOnlyList<int[]> continuations, HookSpec? hooks = null, bool useAdapter = true,
        CancellationToken cancellationToken = default, KvCache? prefix = null)
    {
        if (prompt.Length == 0) throw new ArgumentException("Continuation scoring needs a non-empty prompt.");
        var runner = Runner(hooks, prompt.Length);
        var cache = StartCache(prompt, prefix, continuations.Select(c => c.Length).DefaultIfEmpty(0).Max() + 1, hooks);
        var last = Prefill(cache, prompt.AsSpan(cache.Length), runner, LogitsMode.Last, useAdapter, cancellationToken);
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
