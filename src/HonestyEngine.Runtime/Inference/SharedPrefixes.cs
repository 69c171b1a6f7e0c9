namespace HonestyEngine.Runtime.Inference;

/// <summary>Runs the prompts of a batch so that leading prefill chunks they have in common are computed once: few-shot
/// and many-shot prompts repeat hundreds of tokens of demonstrations before each item, and self-classification prompts
/// repeat the grader instructions and the quoted system prompt. Prompts are visited in lexicographic token order, so
/// prompts sharing a prefix are neighbours; each one continues from a copy of the KV cache of the longest whole-chunk
/// prefix it shares with a neighbour (<see cref="InferenceEngine.PrefillChunk"/>). Because prefill is chunk-aligned,
/// every result is bit-for-bit what running the prompt alone gives; only the work changes.</summary>
public static class SharedPrefixes
{
    /// <summary>The last shared prefix a model computed, kept between batches: methods send their prompts in batches
    /// of 16, and the few-shot demonstrations would otherwise be prefilled again for every batch.</summary>
    public sealed class Memory
    {
        internal int[]? Tokens;
        internal KvCache? Cache;
        internal bool UseAdapter;
    }

    /// <summary>Per prompt, how many leading tokens it shares with another eligible prompt of the batch: a multiple of
    /// the chunk size, always shorter than the prompt (its last token must be run for its logits); 0 for none or for an
    /// ineligible prompt (one with hooks, whose prefix activations differ).</summary>
    public static int[] SharedLengths(IReadOnlyList<int[]> prompts, IReadOnlyList<bool> eligible)
    {
        var order = SortedEligible(prompts, eligible);
        var shared = new int[prompts.Count];
        for (int k = 0; k < order.Count; k++)
        {
            int i = order[k];
            int lcp = Math.Max(k > 0 ? Lcp(prompts[order[k - 1]], prompts[i], int.MaxValue) : 0,
                k + 1 < order.Count ? Lcp(prompts[order[k + 1]], prompts[i], int.MaxValue) : 0);
            shared[i] = Aligned(Math.Min(lcp, prompts[i].Length - 1));
        }
        return shared;
    }

    /// <summary>Calls <paramref name="run"/>(index, prefix cache or null) once per prompt and returns the results in the
    /// prompts' order. Eligible prompts run in token order, each given the cache of its shared prefix; the others run
    /// afterwards, in order, with null.</summary>
    /// <param name="memory">Optional: the prefix the previous batch left (used when computed with the same adapter
    /// setting) and, afterwards, the one this batch leaves.</param>
    public static T[] Run<T>(InferenceEngine engine, IReadOnlyList<int[]> prompts, IReadOnlyList<bool> eligible, bool useAdapter,
        Func<int, KvCache?, T> run, CancellationToken cancellationToken = default, Memory? memory = null)
    {
        if (prompts.Count != eligible.Count) throw new ArgumentException($"{prompts.Count} prompts but {eligible.Count} eligibility flags.");
        var shared = SharedLengths(prompts, eligible);
        var results = new T[prompts.Count];
        // The last prefix computed: the cache of its first Length tokens of Tokens. Never changed once made.
        int[]? lastTokens = null;
        KvCache? lastCache = null;
        if (memory is not null)
            lock (memory)
                if (memory.Cache is not null && memory.UseAdapter == useAdapter) (lastTokens, lastCache) = (memory.Tokens, memory.Cache);
        if (lastCache is not null)
            for (int i = 0; i < prompts.Count; i++)
                if (eligible[i])
                    shared[i] = Math.Max(shared[i], Aligned(Math.Min(Lcp(lastTokens!, prompts[i], lastCache.Length), prompts[i].Length - 1)));
        foreach (int i in SortedEligible(prompts, eligible))
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = shared[i];
            KvCache? prefix = null;
            if (length > 0)
            {
                int reuse = lastCache is null ? 0 : Aligned(Lcp(lastTokens!, prompts[i], Math.Min(length, lastCache.Length)));
                if (reuse == length && lastCache!.Length == length) prefix = lastCache;
                else
                {
                    prefix = engine.PrefillPrefix(prompts[i], length, reuse > 0 ? lastCache : null, reuse, useAdapter, cancellationToken);
                    // Keep the longer prefix for the neighbours that follow when this one ran new chunks.
                    if (length > reuse) { lastTokens = prompts[i]; lastCache = prefix; }
                }
            }
            results[i] = run(i, prefix);
        }
        for (int i = 0; i < prompts.Count; i++)
            if (!eligible[i]) results[i] = run(i, null);
        if (memory is not null && lastCache is not null)
            lock (memory) (memory.Tokens, memory.Cache, memory.UseAdapter) = (lastTokens, lastCache, useAdapter);
        return results;
    }

    private static List<int> SortedEligible(IReadOnlyList<int[]> prompts, IReadOnlyList<bool> eligible)
    {
        var order = Enumerable.Range(0, prompts.Count).Where(i => eligible[i]).ToList();
        // Stable for equal prompts (index as the tie-break), so the visiting order is deterministic.
        order.Sort((a, b) => Compare(prompts[a], prompts[b]) is var c && c != 0 ? c : a.CompareTo(b));
        return order;
    }

    private static int Compare(int[] a, int[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int t = 0; t < n; t++)
            if (a[t] != b[t]) return a[t].CompareTo(b[t]);
        return a.Length.CompareTo(b.Length);
    }

    private static int Lcp(int[] a, int[] b, int max)
    {
        int n = Math.Min(Math.Min(a.Length, b.Length), max);
        return n <= 0 ? 0 : a.AsSpan(0, n).CommonPrefixLength(b.AsSpan(0, n));
    }

    private static int Aligned(int n) => n <= 0 ? 0 : n / InferenceEngine.PrefillChunk * InferenceEngine.PrefillChunk;
}
