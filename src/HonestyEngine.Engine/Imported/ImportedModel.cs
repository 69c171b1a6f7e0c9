using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Imported;

/// <summary>The stand-in model of an <see cref="ImportedTestbed"/>: it knows the exported model's depth and width
/// (methods pick layers from them), and every attempt to run it fails with a message saying why, which fails that
/// cell only (a probe that needs just the activations never runs it).</summary>
internal sealed class ImportedModel(ModelInfo info, string source) : IModelHandle
{
    public ModelInfo Info { get; } = info;
    public ITokenizer Tokenizer => throw NoModel("a tokenizer");
    public string Render(Prompt prompt) => throw NoModel("to render a prompt");
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default) => throw NoModel("to generate text");
    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default) => throw NoModel("log-probabilities");
    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default) => throw NoModel("to run a forward pass");
    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => throw NoModel("the unembedding");
    public Tensor TokenEmbeddings() => throw NoModel("the token embeddings");
    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default) => throw NoModel("to fine-tune");
    public void Dispose() { }

    private MethodInputException NoModel(string what) =>
        new($"'{Info.Name}' holds activations imported from {source}, not a model: this method needs {what}, which only the "
            + "model that produced them can give. Methods that read activations only (the probes) run on it.");
}
