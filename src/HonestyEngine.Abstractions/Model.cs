namespace HonestyEngine.Abstractions;

/// <summary>Static facts about a loaded model.</summary>
public sealed record ModelInfo(
    string Name,
    string Architecture,
    int NumLayers,
    int HiddenSize,
    int VocabSize,
    string? Path = null,
    string? AdapterPath = null);

/// <summary>The tokenizer a model uses (tokenizer.json semantics).</summary>
public interface ITokenizer
{
    int VocabSize { get; }
    int[] Encode(string text, bool addSpecialTokens = false);
    string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false);
    /// <summary>The vocabulary entry of one id, decoded to text (used by logit lens and SAE token lists).</summary>
    string TokenText(int id);
    /// <summary>Id of a token string, or null if it is not one token.</summary>
    int? TokenId(string token);
    IReadOnlyList<int> StopTokenIds { get; }
}

/// <summary>A prompt given either as a conversation (rendered with the model's chat template) or as raw text.</summary>
public sealed record Prompt
{
    public IReadOnlyList<ChatMessage>? Messages { get; init; }
    public ChatRenderOptions Render { get; init; } = ChatRenderOptions.Generation;
    public string? Text { get; init; }

    public static Prompt Chat(IReadOnlyList<ChatMessage> messages) => new() { Messages = messages };
    /// <summary>A conversation whose final assistant message is continued (assistant prefill).</summary>
    public static Prompt ChatWithPrefill(IReadOnlyList<ChatMessage> messages, string prefill)
        => new() { Messages = [.. messages, ChatMessage.Assistant(prefill)], Render = ChatRenderOptions.Prefill };
    public static Prompt Raw(string text) => new() { Text = text };
}

/// <summary>Sampling settings. Temperature 0 is greedy.</summary>
public sealed record SamplingOptions(int MaxNewTokens = 32, float Temperature = 0f, float TopP = 1f, int Seed = 0, IReadOnlyList<string>? StopStrings = null)
{
    public static readonly SamplingOptions Greedy = new();
}

public sealed record GenerationRequest(Prompt Prompt, SamplingOptions Sampling, HookSpec? Hooks = null);

public sealed record GenerationResult(string Text, int[] TokenIds, string FinishReason);

/// <summary>Log-probabilities of given continuations after a prompt (for P("Yes") follow-up detectors).</summary>
public sealed record ContinuationRequest(Prompt Prompt, IReadOnlyList<string> Continuations, HookSpec? Hooks = null);

/// <summary>A forward pass that records activations (and optionally edits them).</summary>
public sealed record ForwardRequest(Prompt Prompt, HookSpec Hooks, bool ReturnLogits = false);

/// <summary>Activations recorded by a forward pass: hook name -> [positions, d]; plus the positions used.</summary>
public sealed record ForwardResult(IReadOnlyDictionary<string, Tensor> Activations, int[] TokenIds, int[] Positions, Tensor? Logits);

/// <summary>A fine-tuning job: LoRA adapter or full fine-tune on chat data (assistant tokens are the loss).
/// <c>TrainingHooks</c>: optional edits applied while training (preventative steering).</summary>
public sealed record FineTuneRequest(
    string Name,
    IReadOnlyList<DatasetItem> Data,
    int Steps = 200,
    float LearningRate = 1e-3f,
    int LoraRank = 8,
    float LoraAlpha = 16,
    bool FullFineTune = false,
    int BatchSize = 8,
    int Seed = 0,
    HookSpec? TrainingHooks = null)
{
    /// <summary>Where to save the trained adapter (or checkpoint), e.g. under a cell's
    /// <see cref="MethodContext.CacheDirectory"/>. The caller makes the folder specific to the request (name,
    /// data and hyperparameters), so a runtime that supports it opens a complete adapter already saved there
    /// instead of training again (a rerun reuses it). Null: the runtime's own temporary folder.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Train one adapter shared by several models instead of on this handle alone (Shenoy et al.'s
    /// introspection adapter: one LoRA across many fine-tunes of the same base). Each source's model is trained
    /// on its own data with the shared adapter; the handle FineTune is called on gets that adapter and
    /// <see cref="Data"/> is left empty. Runtimes that cannot train across models throw
    /// <see cref="NotSupportedException"/>. Null: train on this handle with <see cref="Data"/>.</summary>
    public IReadOnlyList<FineTuneSource>? Sources { get; init; }
}

/// <summary>One model and its training data in a shared-adapter fine-tune (<see cref="FineTuneRequest.Sources"/>).</summary>
public sealed record FineTuneSource(IModelHandle Model, IReadOnlyList<DatasetItem> Data);

/// <summary>A loaded language model, as the methods see it. The transformer runtime implements it.</summary>
public interface IModelHandle : IDisposable
{
    ModelInfo Info { get; }
    ITokenizer Tokenizer { get; }
    /// <summary>Renders a prompt to the exact text the model is fed (apply_chat_template for chats).</summary>
    string Render(Prompt prompt);
    IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default);
    /// <summary>Per request, the summed log-probability of each continuation (same order).</summary>
    IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default);
    IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default);
    /// <summary>Applies the final norm and the unembedding to residual vectors [n, d] -> logits [n, vocab] (logit lens).</summary>
    Tensor Unembed(Tensor residual, bool applyFinalNorm = true);
    /// <summary>The token embedding matrix [vocab, d].</summary>
    Tensor TokenEmbeddings();
    /// <summary>Trains an adapter (or full fine-tune) and returns a handle to the tuned model.</summary>
    IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default);
}
