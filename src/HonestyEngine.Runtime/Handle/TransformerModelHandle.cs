using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Handle;

/// <summary>The <see cref="IModelHandle"/> of a Hugging Face model folder run by this runtime: tokenizer.json,
/// the chat template of tokenizer_config.json / chat_template.jinja, config.json and safetensors weights, with an
/// optional PEFT LoRA adapter. Chat prompts are rendered exactly as apply_chat_template and tokenized without
/// adding special tokens (the template writes them); raw text prompts are tokenized with add_special_tokens=True,
/// as tokenizer(text) does. Batches run their requests one by one, so results never depend on batch composition;
/// requests without hooks that share leading prompt chunks prefill them once (<see cref="SharedPrefixes"/>), and the
/// requests of a generation batch decode side by side (<see cref="InferenceEngine.Decode"/>); both change the work,
/// not the numbers.</summary>
public sealed class TransformerModelHandle : IModelHandle
{
    private readonly InferenceEngine _engine;
    private readonly HfTokenizer _tokenizer;
    private readonly Lazy<ChatTemplate> _template;
    private readonly int[] _stopIds;
    /// <summary>The shared prompt prefix of the last batch, reused by the next (the weights of a handle never change).</summary>
    private readonly SharedPrefixes.Memory _prefixMemory = new();

    public ModelInfo Info { get; }
    public ITokenizer Tokenizer => _tokenizer;
    public TransformerModel Model => _engine.Model;
    /// <summary>Whether an unmerged adapter is applied (switchable between calls; no effect when merged or absent).</summary>
    public bool UseAdapter { get; set; } = true;

    private TransformerModelHandle(TransformerModel model, HfTokenizer tokenizer, Func<ChatTemplate> template, string? adapterDir)
    {
        _engine = new InferenceEngine(model);
        _tokenizer = tokenizer;
        _template = new Lazy<ChatTemplate>(template);
        var c = model.Config;
        if (tokenizer.VocabSize > c.VocabSize)
            throw new ModelConfigException($"{tokenizer.SourceName}: the tokenizer has {tokenizer.VocabSize} tokens but config.json vocab_size is {c.VocabSize}.");
        var stops = new HashSet<int>(tokenizer.StopTokenIds.Concat(c.EosTokenIds));
        // End-of-turn markers of the chat formats: generation of a reply stops there even where generation_config lacks them.
        foreach (var marker in new[] { "<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|endoftext|>" })
            if (tokenizer.TokenId(marker) is { } id) stops.Add(id);
        _stopIds = [.. stops.Order()];
        Info = new ModelInfo(Path.GetFileName(model.ModelDirectory.TrimEnd(Path.DirectorySeparatorChar)), c.Architecture, c.NumLayers,
            c.HiddenSize, c.VocabSize, model.ModelDirectory, adapterDir is null ? null : Path.GetFullPath(adapterDir));
    }

    /// <summary>Opens a model folder (and optionally a PEFT LoRA adapter folder, applied unmerged).</summary>
    public static IModelHandle Open(string modelDir, string? adapterDir = null) => OpenHandle(modelDir, adapterDir);

    /// <summary>As <see cref="Open"/>, returning the concrete type (for <see cref="UseAdapter"/> and <see cref="Model"/>).</summary>
    public static TransformerModelHandle OpenHandle(string modelDir, string? adapterDir = null, bool mergeAdapter = false)
    {
        var model = TransformerModel.Load(modelDir, adapterDir, mergeAdapter);
        var tokenizer = HfTokenizer.Load(modelDir);
        return new TransformerModelHandle(model, tokenizer, () => ChatTemplate.Load(modelDir), adapterDir);
    }

    /// <summary>Token ids stopping generation (tokenizer eos, generation_config eos, end-of-turn markers).</summary>
    public IReadOnlyList<int> StopTokenIds => _stopIds;

    public string Render(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Messages is { } messages)
        {
            if (prompt.Text is not null) throw new ArgumentException("A prompt has either Messages or Text, not both.");
            return _template.Value.Render(messages, prompt.Render);
        }
        return prompt.Text ?? throw new ArgumentException("A prompt needs Messages or Text.");
    }

    /// <summary>The token ids the model is fed for a prompt.</summary>
    public int[] EncodePrompt(Prompt prompt)
    {
        var ids = _tokenizer.Encode(Render(prompt), addSpecialTokens: prompt.Messages is null);
        if (ids.Length == 0) throw new ArgumentException("The prompt tokenizes to no tokens.");
        return ids;
    }

    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default)
    {
        var prompts = batch.Select(r => EncodePrompt(r.Prompt)).ToArray();
        bool useAdapter = UseAdapter;
        var stopStrings = batch.Select(r => r.Sampling.StopStrings?.Where(s => s.Length > 0).ToArray() ?? []).ToArray();
        // Prefill every prompt (shared prefixes once), then decode them side by side (InferenceEngine.Decode).
        var sequences = SharedPrefixes.Run(_engine, prompts, batch.Select(r => HookFree(r.Hooks)).ToArray(), useAdapter,
            (i, prefix) => _engine.Start(prompts[i], batch[i].Sampling, batch[i].Hooks, StopWhen(stopStrings[i]), useAdapter, cancellationToken, prefix),
            cancellationToken, _prefixMemory);
        _engine.Decode(sequences, _stopIds, useAdapter, cancellationToken);
        return sequences.Select((q, i) => Result(q.Result!, stopStrings[i])).ToList();
    }

    /// <summary>True when a request neither reads nor edits activations (its prompt prefix may be shared).</summary>
    private static bool HookFree(HookSpec? hooks) => hooks is null || hooks.Read.Count == 0 && hooks.Edits.Count == 0;

    private Func<IReadOnlyList<int>, bool>? StopWhen(string[] stopStrings) => stopStrings.Length == 0 ? null
        : tokens => stopStrings.Any(s => Decode(tokens).Contains(s, StringComparison.Ordinal));

    private GenerationResult Result(GeneratedTokens g, string[] stopStrings)
    {
        // The text leaves out a final stop token and anything from the first stop string on.
        var textIds = g.Tokens.Length > 0 && _stopIds.Contains(g.Tokens[^1]) ? g.Tokens[..^1] : g.Tokens;
        string text = Decode(textIds);
        foreach (var s in stopStrings)
        {
            int at = text.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0) text = text[..at];
        }
        return new GenerationResult(text, g.Tokens, g.FinishReason);
    }

    private string Decode(IReadOnlyList<int> ids) => _tokenizer.Decode(ids.ToArray(), skipSpecialTokens: true);

    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default)
    {
        var prompts = batch.Select(r => EncodePrompt(r.Prompt)).ToArray();
        var continuations = batch.Select(request =>
        {
            var conts = request.Continuations.Select(c => _tokenizer.Encode(c, addSpecialTokens: false)).ToList();
            for (int i = 0; i < conts.Count; i++)
                if (conts[i].Length == 0) throw new ArgumentException($"Continuation '{request.Continuations[i]}' tokenizes to no tokens.");
            return conts;
        }).ToArray();
        bool useAdapter = UseAdapter;
        return SharedPrefixes.Run(_engine, prompts, batch.Select(r => HookFree(r.Hooks)).ToArray(), useAdapter,
            (i, prefix) => _engine.ContinuationLogProbs(prompts[i], continuations[i], batch[i].Hooks, useAdapter, cancellationToken, prefix),
            cancellationToken, _prefixMemory);
    }

    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default) =>
        batch.Select(r => _engine.Forward(EncodePrompt(r.Prompt), r.Hooks, r.ReturnLogits, UseAdapter, cancellationToken)).ToList();

    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true)
    {
        int d = Model.Config.HiddenSize;
        if (residual.RowLength != d || residual.Rank != 2)
            throw new ArgumentException($"Unembed expects residual vectors [n, {d}], got [{string.Join(", ", residual.Shape)}].");
        return new Tensor([residual.Rows, Model.Config.VocabSize], Model.Unembed(residual.Data, residual.Rows, applyFinalNorm));
    }

    public Tensor TokenEmbeddings() =>
        new([Model.Config.VocabSize, Model.Config.HiddenSize], (float[])Model.Weights.TokenEmbedding.Clone());

    /// <summary>The fine-tuner <see cref="FineTune"/> uses; the host sets it at start-up (HonestyEngine.Training's
    /// TrainerFineTuner). Null means fine-tuning is unavailable in this process.</summary>
    public static IFineTuner? FineTuner { get; set; }

    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tuner = FineTuner ?? throw new NotSupportedException(
            $"{Info.Name}: no fine-tuner is registered; set TransformerModelHandle.FineTuner (HonestyEngine.Training.TrainerFineTuner) at start-up.");
        return tuner.FineTune(this, request, cancellationToken);
    }

    public void Dispose() { }
}
