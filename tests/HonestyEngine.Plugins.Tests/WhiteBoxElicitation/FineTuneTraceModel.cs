using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.WhiteBoxElicitation;

/// <summary>A synthetic model with the trace a narrow fine-tune leaves everywhere (Minder et al. 2025): on every token
/// of every prompt, <c>Strength * (l + 1) / L</c> times the embedding of <paramref name="traceWord"/> is added to the
/// residual stream after block l, so it also shifts the output logits. Everything else is the wrapped model.</summary>
internal sealed class FineTuneTraceModel(SyntheticModel inner, string traceWord, float strength) : IModelHandle
{
    private readonly float[] _trace = inner.Embedding(inner.Tokenizer.TokenId(traceWord) ?? throw new ArgumentException($"'{traceWord}' is not one token."));

    public ModelInfo Info { get; } = inner.Info with { Name = inner.Info.Name + "+trace-" + traceWord };
    public ITokenizer Tokenizer => inner.Tokenizer;
    public string Render(Prompt prompt) => inner.Render(prompt);
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default) => inner.Generate(batch, cancellationToken);
    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default) => inner.ContinuationLogProbs(batch, cancellationToken);
    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => inner.Unembed(residual, applyFinalNorm);
    public Tensor TokenEmbeddings() => inner.TokenEmbeddings();
    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public void Dispose() { }

    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default)
    {
        int layers = Info.NumLayers, d = Info.HiddenSize;
        string last = HookNames.ResidPost(layers - 1);
        var results = new List<ForwardResult>(batch.Count);
        foreach (var request in batch)
        {
            var read = request.Hooks.Read.Append(last).Distinct().ToList();
            var raw = inner.Forward([new ForwardRequest(request.Prompt, new HookSpec(read, PositionSelector.All, request.Hooks.Edits))], cancellationToken)[0];
            var positions = request.Hooks.Positions.Resolve(raw.TokenIds.Length);
            var acts = new Dictionary<string, Tensor>();
            foreach (var hook in request.Hooks.Read)
            {
                HookNames.TryParseBlock(hook, out int layer, out _);
                float c = strength * (layer + 1f) / layers;
                var t = new Tensor([positions.Length, d]);
                for (int p = 0; p < positions.Length; p++)
                {
                    raw.Activations[hook].ReadRow(positions[p]).CopyTo(t.Row(p));
                    for (int j = 0; j < d; j++) t.Row(p)[j] += c * _trace[j];
                }
                acts[hook] = t;
            }
            Tensor? logits = null;
            if (request.ReturnLogits)
            {
                var final = raw.Activations[last];
                var shifted = new Tensor((int[])final.Shape.Clone(), (float[])final.Data.Clone());
                for (int p = 0; p < shifted.Rows; p++) for (int j = 0; j < d; j++) shifted.Row(p)[j] += strength * _trace[j];
                logits = inner.Unembed(shifted);
            }
            results.Add(new ForwardResult(acts, raw.TokenIds, positions, logits));
        }
        return results;
    }
}

/// <summary>A testbed over the synthetic elicitation items with any model and base model.</summary>
internal sealed class CustomModelTestbed(IModelHandle model, IModelHandle? baseModel, SyntheticTestbed items) : ITestbed
{
    public TestbedInfo Info { get; } = items.Info with { Name = "synthetic-" + model.Info.Name, BaseModel = baseModel?.Info.Name };
    public IReadOnlyList<string> Splits => items.Splits;
    public bool HasSplit(string split) => items.HasSplit(split);
    public IReadOnlyList<DatasetItem> GetSplit(string split) => items.GetSplit(split);
    public ILabeller Labeller => items.Labeller;
    public IModelHandle OpenModel() => model;
    public IModelHandle? OpenBaseModel() => baseModel;

    public MethodContext Context(IResourceCatalog? resources = null, List<string>? log = null) => new()
    {
        Testbed = this.View(),
        Services = new NoServices(),
        Resources = resources ?? new SyntheticResources(),
        Compute = new ReferenceCompute(),
        Activations = new TestActivationProvider(),
        Seed = 1234,
        CacheDirectory = Path.Combine(Path.GetTempPath(), "honesty-plugin-tests", Guid.NewGuid().ToString("N")),
        Log = log is null ? _ => { } : log.Add,
    };

    public DetectorContext DetectorContext(IResourceCatalog? resources = null, List<string>? log = null, ReferenceCompute? compute = null) => new()
    {
        Testbed = this.View(),
        Services = new NoServices(),
        Resources = resources ?? new SyntheticResources(),
        Compute = compute ?? new ReferenceCompute(),
        Activations = new TestActivationProvider(),
        Seed = 1234,
        CacheDirectory = Path.Combine(Path.GetTempPath(), "honesty-plugin-tests", Guid.NewGuid().ToString("N")),
        Log = log is null ? _ => { } : log.Add,
    };

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
