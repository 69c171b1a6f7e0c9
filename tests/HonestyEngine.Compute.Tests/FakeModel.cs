using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Tests;

/// <summary>A deterministic stand-in model: whitespace tokenizer, a toy chat template, and activations
/// that are a known function of (token id, position, layer), so pooled values can be checked exactly.</summary>
internal sealed class FakeModel(string adapter = "", int hidden = 6) : IModelHandle
{
    public int ForwardCalls;
    public Func<int, int, int, float>? Override; // (position, column, layer) -> value, for NaN injection

    public ModelInfo Info { get; } = new("fake-model", "llama", 4, hidden, 1000, "/models/fake", adapter == "" ? null : adapter);
    public ITokenizer Tokenizer { get; } = new WhitespaceTokenizer();

    public string Render(Prompt prompt)
    {
        if (prompt.Text is not null) return prompt.Text;
        var m = prompt.Messages!;
        var parts = new List<string>();
        for (int i = 0; i < m.Count; i++)
        {
            bool continued = i == m.Count - 1 && prompt.Render.ContinueFinalMessage;
            parts.Add($"<|{m[i].Role}|> {m[i].Content}" + (continued ? "" : " <|end|>"));
        }
        if (prompt.Render.AddGenerationPrompt) parts.Add("<|assistant|>");
        return string.Join(" ", parts);
    }

    public static float Value(int tokenId, int position, int column, int layer) => tokenId % 97 * 0.01f + position * 0.1f + column + layer * 100;

    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default)
    {
        return batch.Select(r =>
        {
            Interlocked.Increment(ref ForwardCalls);
            var ids = Tokenizer.Encode(Render(r.Prompt));
            var pos = r.Hooks.Positions.Resolve(ids.Length);
            var acts = new Dictionary<string, Tensor>();
            foreach (var hook in r.Hooks.Read)
            {
                HookNames.TryParseBlock(hook, out int layer, out _);
                var t = new Tensor([pos.Length, Info.HiddenSize]);
                for (int p = 0; p < pos.Length; p++)
                    for (int c = 0; c < Info.HiddenSize; c++)
                        t.Row(p)[c] = Override?.Invoke(pos[p], c, layer) ?? Value(ids[pos[p]], pos[p], c, layer);
                acts[hook] = t;
            }
            return new ForwardResult(acts, ids, pos, null);
        }).ToList();
    }

    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => throw new NotSupportedException();
    public Tensor TokenEmbeddings() => throw new NotSupportedException();
    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public void Dispose() { }

    private sealed class WhitespaceTokenizer : ITokenizer
    {
        public int VocabSize => 1000;
        public int[] Encode(string text, bool addSpecialTokens = false)
            => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => (int)((uint)w.GetHashCode(StringComparison.Ordinal) % 1000)).ToArray();
        public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => throw new NotSupportedException();
        public string TokenText(int id) => throw new NotSupportedException();
        public int? TokenId(string token) => null;
        public IReadOnlyList<int> StopTokenIds => [];
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "he-compute-" + Guid.NewGuid().ToString("N")[..8]);
    public TempDir() => Directory.CreateDirectory(Path);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
