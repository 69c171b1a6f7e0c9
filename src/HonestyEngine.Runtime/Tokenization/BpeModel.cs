using System.Collections.Concurrent;
using System.Text;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>The BPE model of tokenizer.json: a vocabulary, merges as ranks over id pairs, and the merge loop
/// of HF tokenizers (lowest rank first, leftmost on ties, over a linked list of symbols), with
/// byte_fallback, unk/fuse_unk, ignore_merges, continuing_subword_prefix and end_of_word_suffix.</summary>
internal sealed class BpeModel
{
    private const int CacheCapacity = 10_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _idToToken;
    /// <summary>(left id, right id) -> (rank, merged id).</summary>
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int _unkId = -1;
    private readonly bool _fuseUnk, _byteFallback, _ignoreMerges;
    private readonly string? _continuingSubwordPrefix, _endOfWordSuffix;
    private readonly int[]? _byteFallbackIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    // ConcurrentDictionary.Count takes every lock, so the cache size is tracked separately.
    private int _cacheCount;

    public int VocabSize => _idToToken.Length;
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken,
        bool fuseUnk, bool byteFallback, bool ignoreMerges, string? continuingSubwordPrefix, string? endOfWordSuffix,
        Func<int, string, Exception> mergeError, Func<string, Exception> fieldError)
    {
        _vocab = vocab;
        int maxId = -1;
        foreach (var id in vocab.Values)
        {
            if (id < 0) throw fieldError($"vocab has a negative id {id}");
            if (id > maxId) maxId = id;
        }
        if (maxId > vocab.Count * 4L + 1_000_000) throw fieldError($"vocab ids go up to {maxId} for only {vocab.Count} entries");
        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in vocab) _idToToken[id] = token;

        _fuseUnk = fuseUnk;
        _byteFallback = byteFallback;
        _ignoreMerges = ignoreMerges;
        _continuingSubwordPrefix = string.IsNullOrEmpty(continuingSubwordPrefix) ? null : continuingSubwordPrefix;
        _endOfWordSuffix = string.IsNullOrEmpty(endOfWordSuffix) ? null : endOfWordSuffix;
        if (unkToken is not null)
        {
            if (!vocab.TryGetValue(unkToken, out _unkId)) throw fieldError($"unk_token '{unkToken}' is not in the vocab");
        }
        if (byteFallback)
        {
            _byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++) _byteFallbackIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        int prefixLength = _continuingSubwordPrefix?.Length ?? 0;
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out int a)) throw mergeError(rank, $"token '{left}' is not in the vocab");
            if (!vocab.TryGetValue(right, out int b)) throw mergeError(rank, $"token '{right}' is not in the vocab");
            string rightPart = prefixLength > 0 && right.StartsWith(_continuingSubwordPrefix!, StringComparison.Ordinal) ? right[prefixLength..] : right;
            string merged = left + rightPart;
            if (!vocab.TryGetValue(merged, out int newId)) throw mergeError(rank, $"merged token '{merged}' is not in the vocab");
            _merges[Key(a, b)] = (rank, newId);
        }
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    public int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Tokenize(string word, List<int> output)
    {
        if (word.Length == 0) return;
        if (_ignoreMerges && _vocab.TryGetValue(word, out int whole)) { output.Add(whole); return; }
        if (_cache.TryGetValue(word, out var cached)) { output.AddRange(cached); return; }
        var ids = MergeWord(word);
        if (Volatile.Read(ref _cacheCount) < CacheCapacity && _cache.TryAdd(word, ids)) Interlocked.Increment(ref _cacheCount);
        output.AddRange(ids);
    }

    /// <summary>One symbol of the word being merged: a doubly linked list over an array.</summary>
    private struct Symbol
    {
        public int Id, Prev, Next;
        public bool Removed;
    }

    private int[] MergeWord(string word)
    {
        var symbols = new List<Symbol>(word.Length);
        int pendingUnk = -1; // fused unk waiting to be emitted
        var sb = new StringBuilder();
        for (int i = 0; i < word.Length;)
        {
            int len = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            bool isFirst = i == 0, isLast = i + len == word.Length;
            sb.Clear();
            if (_continuingSubwordPrefix is not null && !isFirst) sb.Append(_continuingSubwordPrefix);
            sb.Append(word, i, len);
            if (_endOfWordSuffix is not null && isLast) sb.Append(_endOfWordSuffix);
            i += len;
            string s = sb.ToString();
            if (_vocab.TryGetValue(s, out int id))
            {
                if (pendingUnk >= 0) { Add(symbols, pendingUnk); pendingUnk = -1; }
                Add(symbols, id);
                continue;
            }
            if (_byteFallbackIds is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(s);
                bool all = true;
                foreach (byte b in bytes) if (_byteFallbackIds[b] < 0) { all = false; break; }
                if (all)
                {
                    // As in HF tokenizers, a pending unk is not flushed here; it is emitted at the next known char.
                    foreach (byte b in bytes) Add(symbols, _byteFallbackIds[b]);
                    continue;
                }
            }
            if (_unkId >= 0)
            {
                if (pendingUnk >= 0 && !_fuseUnk) Add(symbols, pendingUnk);
                pendingUnk = _unkId;
            }
            // Without an unk token the character is dropped, as HF tokenizers does.
        }
        if (pendingUnk >= 0) Add(symbols, pendingUnk);

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(symbols);
        var queue = new PriorityQueue<(int Pos, int NewId), long>();
        for (int p = 0; p + 1 < span.Length; p++)
            if (_merges.TryGetValue(Key(span[p].Id, span[p + 1].Id), out var m))
                queue.Enqueue((p, m.NewId), Priority(m.Rank, p));

        while (queue.TryDequeue(out var top, out _))
        {
            ref var current = ref span[top.Pos];
            if (current.Removed || current.Next < 0) continue;
            int nextPos = current.Next;
            ref var right = ref span[nextPos];
            if (!_merges.TryGetValue(Key(current.Id, right.Id), out var pair) || pair.NewId != top.NewId) continue;
            current.Id = top.NewId;
            current.Next = right.Next;
            right.Removed = true;
            if (right.Next >= 0) span[right.Next].Prev = top.Pos;
            if (current.Prev >= 0 && _merges.TryGetValue(Key(span[current.Prev].Id, current.Id), out var before))
                queue.Enqueue((current.Prev, before.NewId), Priority(before.Rank, current.Prev));
            if (current.Next >= 0 && _merges.TryGetValue(Key(current.Id, span[current.Next].Id), out var after))
                queue.Enqueue((top.Pos, after.NewId), Priority(after.Rank, top.Pos));
        }

        var result = new List<int>(span.Length);
        foreach (var s in span) if (!s.Removed) result.Add(s.Id);
        return result.ToArray();
    }

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;

    private static void Add(List<Symbol> symbols, int id)
    {
        int index = symbols.Count;
        if (index > 0)
        {
            var prev = symbols[index - 1];
            prev.Next = index;
            symbols[index - 1] = prev;
        }
        symbols.Add(new Symbol { Id = id, Prev = index - 1, Next = -1 });
    }
}
