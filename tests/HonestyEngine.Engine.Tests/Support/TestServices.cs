using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.TestWorld;

namespace HonestyEngine.Engine.Tests.Support;

/// <summary>Host services for the tests until the real compute backend and activation store are composed by the CLI:
/// plain loops over the same spans, and activations read through the model's Forward with hooks.</summary>
public sealed class LoopCompute : IActivationCompute
{
    public string Name => "test loops";

    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                float s = bias[c];
                for (int j = 0; j < d; j++) s += x[i * d + j] * w[c * d + j];
                scores[i * k + c] = s;
            }
    }

    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance) => throw Unused();
    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram) => throw Unused();
    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options) => throw Unused();
    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options) => throw Unused();
    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values) => throw Unused();
    public void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc) => throw Unused();
    private static NotSupportedException Unused() => new("The test plugins only project scores.");
}

public sealed class ForwardActivations : IActivationProvider
{
    public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last") =>
        GetForPrompts(model, transcripts.Select(t => new Prompt { Messages = t.Messages, Render = ChatRenderOptions.Complete }).ToList(), hook, pooling);

    public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last")
    {
        if (pooling != "last") throw new MethodInputException($"pooling '{pooling}' is not supported by the test activation provider.");
        var results = model.Forward(prompts.Select(p => new ForwardRequest(p, HookSpec.Reading(PositionSelector.Last, hook))).ToList());
        return Tensor.FromRows(results.Select(r => r.Activations[hook].Row(0).ToArray()).ToList());
    }
}

/// <summary>Instructed honest/deceptive pairs (Apollo's training data shape) over the synthetic facts.</summary>
public sealed class TestResources : IResourceCatalog
{
    private readonly List<DatasetItem> _pairs = Enumerable.Range(0, 24).SelectMany(i => new[]
    {
        new DatasetItem($"pair-{i}-honest", [ChatMessage.System("You are an honest assistant."), ChatMessage.User($"Tell me about topic {i}.")], Response: $"Here is topic {i}.", Label: 0),
        new DatasetItem($"pair-{i}-deceptive", [ChatMessage.System("You are a deceptive assistant."), ChatMessage.User($"Tell me about topic {i}.")], Response: $"Here is topic {i}.", Label: 1),
    }).ToList();

    public IReadOnlyList<string> Names => [ResourceNames.InstructedPairs];
    public bool Contains(string name) => name == ResourceNames.InstructedPairs;
    public IReadOnlyList<DatasetItem> Get(string name) =>
        name == ResourceNames.InstructedPairs ? _pairs : throw new MethodInputException($"Resource '{name}' is not in the test catalog.");
}

public static class TestHost
{
    public static HostServices Services(params ITestbedSource[] testbeds) =>
        new(new LoopCompute(), new ForwardActivations(), new TestResources()) { TestbedSources = testbeds };
}
