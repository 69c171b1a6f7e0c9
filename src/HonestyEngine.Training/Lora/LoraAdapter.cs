using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Lora;

/// <summary>A set of LoRA pairs over a llama model's projections (one per targeted layer and module).</summary>
public sealed class LoraAdapter
{
    private readonly Dictionary<(int Layer, string Module), LoraPair> _pairs = new();
    private readonly List<LoraPair> _ordered = new();   // layer-major, module order: a fixed init/save order

    public LlamaTrainingConfig Config { get; }
    public LoraOptions Options { get; }
    public IReadOnlyList<LoraPair> Pairs => _ordered;

    private LoraAdapter(LlamaTrainingConfig config, LoraOptions options)
    {
        if (options.Rank <= 0) throw new ArgumentException($"LoRA rank must be positive (got {options.Rank}).");
        if (!(options.Alpha > 0)) throw new ArgumentException($"LoRA alpha must be positive (got {options.Alpha}).");
        if (options.TargetModules.Count == 0) throw new ArgumentException("LoRA target_modules is empty.");
        foreach (var m in options.TargetModules)
            if (!LlamaLayerParameters.ProjectionNames.Contains(m))
                throw new ArgumentException($"Unknown LoRA target module '{m}'. Expected any of: {string.Join(", ", LlamaLayerParameters.ProjectionNames)}.");
        if (options.Layers is not null)
            foreach (int l in options.Layers)
                if ((uint)l >= (uint)config.NumHiddenLayers) throw new ArgumentException($"LoRA layer {l} does not exist (the model has {config.NumHiddenLayers}).");
        Config = config; Options = options;
        var layers = options.Layers ?? Enumerable.Range(0, config.NumHiddenLayers).ToList();
        foreach (int layer in layers.Distinct().Order())
            foreach (var module in LlamaLayerParameters.ProjectionNames.Where(options.TargetModules.Contains))
            {
                var (outF, inF) = Shape(config, module);
                var pair = new LoraPair(layer, module, options.Rank, inF, outF, options.Scale);
                _pairs[(layer, module)] = pair;
                _ordered.Add(pair);
            }
    }

    /// <summary>A fresh adapter as PEFT initialises one: A ~ kaiming_uniform(a = sqrt 5) =
    /// U(-1/sqrt(in), 1/sqrt(in)), B = 0, so the adapted model starts equal to the base.</summary>
    public static LoraAdapter Create(LlamaTrainingConfig config, LoraOptions options)
    {
        var adapter = new LoraAdapter(config, options);
        var rng = new SeededRandom(options.Seed);
        foreach (var pair in adapter.Pairs)
        {
            float bound = 1f / MathF.Sqrt(pair.A.Cols);
            for (int i = 0; i < pair.A.Value.Length; i++) pair.A.Value[i] = (float)((rng.NextDouble() * 2 - 1) * bound);
        }
        return adapter;
    }

    /// <summary>An adapter with all-zero A and B, for loading saved values into.</summary>
    internal static LoraAdapter Empty(LlamaTrainingConfig config, LoraOptions options) => new(config, options);

    public LoraPair? Pair(int layer, string module) => _pairs.GetValueOrDefault((layer, module));

    public IEnumerable<ParameterTensor> Parameters()
    {
        foreach (var pair in Pairs) { yield return pair.A; yield return pair.B; }
    }

    /// <summary>The module path inside a layer, as PEFT keys spell it (self_attn.q_proj, mlp.up_proj).</summary>
    public static string ModulePath(string module) => module switch
    {
        "q_proj" or "k_proj" or "v_proj" or "o_proj" => "self_attn." + module,
        "gate_proj" or "up_proj" or "down_proj" => "mlp." + module,
        _ => throw new ArgumentException($"Unknown llama projection '{module}'."),
    };

    /// <summary>(out, in) features of a projection.</summary>
    public static (int Out, int In) Shape(LlamaTrainingConfig c, string module) => module switch
    {
        "q_proj" => (c.QueryWidth, c.HiddenSize),
        "k_proj" or "v_proj" => (c.KeyValueWidth, c.HiddenSize),
        "o_proj" => (c.HiddenSize, c.QueryWidth),
        "gate_proj" or "up_proj" => (c.IntermediateSize, c.HiddenSize),
        "down_proj" => (c.HiddenSize, c.IntermediateSize),
        _ => throw new ArgumentException($"Unknown llama projection '{module}'."),
    };
}
