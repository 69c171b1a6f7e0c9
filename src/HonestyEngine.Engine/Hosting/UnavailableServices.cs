using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Hosting;

/// <summary>Stands in for a compute backend this build does not have: every kernel throws a
/// <see cref="MethodInputException"/> saying so, which fails only the cell that asked.</summary>
internal sealed class UnavailableCompute(string why) : IActivationCompute
{
    public string Name => $"unavailable ({why})";
    private MethodInputException Fail() => new($"No activation compute backend is available: {why}");
    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores) => throw Fail();
    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance) => throw Fail();
    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram) => throw Fail();
    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options) => throw Fail();
    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options) => throw Fail();
    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values) => throw Fail();
    public void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc) => throw Fail();
}

internal sealed class UnavailableActivations(string why) : IActivationProvider
{
    private MethodInputException Fail() => new($"No activation store is available: {why}");
    public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last") => throw Fail();
    public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last") => throw Fail();
}

/// <summary>A catalog with no resources; asking for one names it and says why there are none.</summary>
public sealed class EmptyResourceCatalog(string why = "no resource catalog is configured in this host") : IResourceCatalog
{
    public IReadOnlyList<string> Names => [];
    public bool Contains(string name) => false;
    public IReadOnlyList<DatasetItem> Get(string name) =>
        throw new MethodInputException($"Resource '{name}' is not available: {why}.");
}
