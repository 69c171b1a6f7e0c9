namespace HonestyEngine.Abstractions;

/// <summary>Run-wide settings: quick profile or full.</summary>
public enum RunProfile { Full, Quick }

/// <summary>Everything a method may use for one cell of the matrix.</summary>
public class MethodContext
{
    /// <summary>The tested testbed as a deployed method would know it: name, base model, method settings and models.</summary>
    public required ITestbedView Testbed { get; init; }
    /// <summary>Host services plus what the plugin registered (<see cref="IPluginModule"/>).</summary>
    public required IServiceProvider Services { get; init; }
    public required IResourceCatalog Resources { get; init; }
    public required IActivationCompute Compute { get; init; }
    public required IActivationProvider Activations { get; init; }
    public required int Seed { get; init; }
    public RunProfile Profile { get; init; } = RunProfile.Full;
    /// <summary>Responses to sample per item for interventions (Wang et al. sample several and average).</summary>
    public int SamplesPerItem { get; init; } = 1;
    /// <summary>A folder this cell may use to cache its own artefacts (fine-tuned adapters, fitted probes).
    /// It survives reruns and is keyed like the cell.</summary>
    public required string CacheDirectory { get; init; }
    public CancellationToken CancellationToken { get; init; }
    /// <summary>The other testbeds available to the run (all discovered, not only those selected), for methods that
    /// learn across testbeds with known behaviours (the introspection adapter). The host leaves out this cell's testbed
    /// and its variants (the same non-empty description or secret), and each one passed exposes its info, labeller,
    /// models and only its <c>elicit</c> and <c>train</c> splits: asking for its eval or control split throws
    /// <see cref="MethodInputException"/>. Empty when the host supplies none.</summary>
    public IReadOnlyList<ITestbed> RunTestbeds { get; init; } = [];
    /// <summary>Free-form progress lines, kept in the cell's log.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>The testbed's model (loaded once per testbed by the host).</summary>
    public IModelHandle Model => _model ??= Testbed.OpenModel();
    private IModelHandle? _model;

    /// <summary>The layer at a fraction of depth, as methods give layers (plugins/README.md): round(f * (NumLayers - 1)),
    /// 0 = first block, 1 = last; a fraction outside [0, 1] names no layer and is a clear error, prefixed with
    /// <paramref name="method"/> when given.</summary>
    public int LayerAtFraction(double fraction, string? method = null)
    {
        if (!double.IsFinite(fraction) || fraction < 0 || fraction > 1)
            throw new MethodInputException((method is null ? "Layer" : $"{method}: layer") +
                $" fraction {fraction} is outside [0, 1] (0 = first block, 1 = last block): the layer it names does not exist.");
        return CheckLayer((int)Math.Round(fraction * (Model.Info.NumLayers - 1), MidpointRounding.AwayFromZero));
    }

    /// <summary>Resolves a layer index and throws a clear error when it does not exist.</summary>
    public int CheckLayer(int layer)
    {
        int n = Model.Info.NumLayers;
        if (layer < 0) layer += n;
        if (layer < 0 || layer >= n)
            throw new MethodInputException($"Layer {layer} does not exist: model '{Model.Info.Name}' has {n} layers (0..{n - 1}).");
        return layer;
    }
}

/// <summary>The context of a detector cell: adds privileged labels only for privileged methods.</summary>
public sealed class DetectorContext : MethodContext
{
    /// <summary>Eval labels by transcript id; empty unless the method has <see cref="RequiresPrivilegedLabelsAttribute"/>.</summary>
    public IReadOnlyDictionary<string, int> PrivilegedLabels { get; init; } = new Dictionary<string, int>();
}

/// <summary>Cached activations: computed once per (model, hook, positions, transcripts) and reused by every method.</summary>
public interface IActivationProvider
{
    /// <summary>Activations at <paramref name="hook"/> for each transcript, pooled over the selected response
    /// tokens: [transcripts, d]. <paramref name="pooling"/> is "last" (final token) or "mean" (mean over the response).</summary>
    Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last");
    /// <summary>Activations for arbitrary prompts (probe training data): [prompts, d] at the last token.</summary>
    Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last");
}
