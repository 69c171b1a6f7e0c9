using System.Text.Json;
using HonestyEngine.Runtime.Numerics;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Models;

/// <summary>A PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors). Each targeted Linear gets
/// delta W = scaling * B A with scaling = lora_alpha / r (lora_alpha / sqrt(r) with use_rslora), as peft computes it.
/// Keys name modules of the base ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"); a key naming a
/// module the base does not have, or a shape that does not fit it, means the adapter belongs to another base.</summary>
public sealed class LoraAdapter
{
    public string Directory { get; }
    public int Rank { get; }
    public float Alpha { get; }
    public bool UseRsLora { get; }
    public float Scale { get; }
    public IReadOnlyList<string> TargetModules { get; }
    /// <summary>Module name -> delta.</summary>
    public IReadOnlyDictionary<string, LoraDelta> Deltas { get; }

    private LoraAdapter(string dir, int rank, float alpha, bool rs, IReadOnlyList<string> targets, Dictionary<string, LoraDelta> deltas)
    {
        Directory = dir; Rank = rank; Alpha = alpha; UseRsLora = rs; TargetModules = targets; Deltas = deltas;
        Scale = rs ? alpha / MathF.Sqrt(rank) : alpha / rank;
    }

    public static LoraAdapter Load(string adapterDir, ModelConfig config, ModelWeights weights)
    {
        adapterDir = Path.GetFullPath(adapterDir);
        var cfgPath = Path.Combine(adapterDir, "adapter_config.json");
        if (!File.Exists(cfgPath)) throw new ModelConfigException($"{cfgPath}: adapter_config.json not found in the adapter folder.");
        int r; float alpha; bool rs; List<string> targets;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(cfgPath));
            var root = doc.RootElement;
            string Str(string n) => root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            if (Str("peft_type") is var pt && pt != "LORA")
                throw new ModelConfigException($"{cfgPath}: peft_type '{pt}' is not supported (only LORA).");
            if (!root.TryGetProperty("r", out var rEl) || !rEl.TryGetInt32(out r) || r <= 0)
                throw new ModelConfigException($"{cfgPath}: missing or invalid 'r'.");
            alpha = root.TryGetProperty("lora_alpha", out var aEl) && aEl.ValueKind == JsonValueKind.Number ? aEl.GetSingle()
                : throw new ModelConfigException($"{cfgPath}: missing 'lora_alpha'.");
            rs = root.TryGetProperty("use_rslora", out var rsEl) && rsEl.ValueKind == JsonValueKind.True;
            bool Flag(string n) => root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.True;
            bool NonEmpty(string n) => root.TryGetProperty(n, out var v) && v.ValueKind switch
            {
                JsonValueKind.Object => v.EnumerateObject().Any(),
                JsonValueKind.Array => v.GetArrayLength() > 0,
                JsonValueKind.Null => false,
                _ => true,
            };
            if (Flag("use_dora")) throw new ModelConfigException($"{cfgPath}: DoRA (use_dora) is not supported.");
            if (Flag("fan_in_fan_out")) throw new ModelConfigException($"{cfgPath}: fan_in_fan_out (Conv1D targets) is not supported.");
            if (NonEmpty("rank_pattern") || NonEmpty("alpha_pattern")) throw new ModelConfigException($"{cfgPath}: rank_pattern / alpha_pattern are not supported.");
            if (NonEmpty("modules_to_save")) throw new ModelConfigException($"{cfgPath}: modules_to_save is not supported.");
            if (Str("bias") is var bias && bias is not ("" or "none")) throw new ModelConfigException($"{cfgPath}: bias '{bias}' is not supported (only 'none').");
            targets = root.TryGetProperty("target_modules", out var tm) && tm.ValueKind == JsonValueKind.Array
                ? tm.EnumerateArray().Select(e => e.GetString() ?? "").ToList()
                : root.TryGetProperty("target_modules", out var tms) && tms.ValueKind == JsonValueKind.String ? [tms.GetString()!] : [];
        }
        catch (JsonException e) { throw new ModelConfigException($"{cfgPath}: not valid JSON ({e.Message}).", e); }

        var linears = weights.Layers.SelectMany(l => l.Linears()).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var file = Path.Combine(adapterDir, "adapter_model.safetensors");
        if (!File.Exists(file)) throw new ModelConfigException($"{file}: adapter_model.safetensors not found in the adapter folder.");
        var deltas = new Dictionary<string, LoraDelta>(StringComparer.Ordinal);
        using (var st = SafeTensorsFile.Open(file))
        {
            var problems = new List<string>();
            foreach (var key in st.Tensors.Keys.Order(StringComparer.Ordinal))
            {
                const string suffixA = ".lora_A.weight", suffixB = ".lora_B.weight";
                if (key.EndsWith(suffixB, StringComparison.Ordinal)) continue;
                if (!key.EndsWith(suffixA, StringComparison.Ordinal)) { problems.Add($"unexpected tensor '{key}' (only lora_A / lora_B weights are supported)"); continue; }
                string module = key[..^suffixA.Length];
                if (module.StartsWith("base_model.model.", StringComparison.Ordinal)) module = module["base_model.model.".Length..];
                string keyB = key[..^suffixA.Length] + suffixB;
                if (!linears.TryGetValue(module, out var lin)) { problems.Add($"tensor '{key}' targets module '{module}', which this {config.Architecture} base does not have"); continue; }
                if (!st.Contains(keyB)) { problems.Add($"tensor '{keyB}' is missing (lora_A without lora_B)"); continue; }
                var a = st.Info(key); var b = st.Info(keyB);
                if (!a.Shape.SequenceEqual([(long)r, lin.In]) || !b.Shape.SequenceEqual([(long)lin.Out, r]))
                {
                    problems.Add($"'{module}': lora_A {a.ShapeText} / lora_B {b.ShapeText} do not fit the base layer [{lin.Out}, {lin.In}] with r={r} (expected [{r}, {lin.In}] / [{lin.Out}, {r}])");
                    continue;
                }
                deltas[module] = new LoraDelta(r, 0, st.ReadFloat32(key), st.ReadFloat32(keyB));
            }
            foreach (var key in st.Tensors.Keys)
                if (key.EndsWith(".lora_B.weight", StringComparison.Ordinal) && !st.Contains(key[..^".lora_B.weight".Length] + ".lora_A.weight"))
                    problems.Add($"tensor '{key}' has no matching lora_A");
            if (problems.Count > 0)
                throw new ModelConfigException($"{file}: this adapter does not fit the base model ({problems.Count} problem(s); is it for another base?):\n  " + string.Join("\n  ", problems.Take(20)));
            if (deltas.Count == 0) throw new ModelConfigException($"{file}: the adapter contains no lora_A / lora_B weights.");
        }
        var adapter = new LoraAdapter(adapterDir, r, alpha, rs, targets, deltas);
        foreach (var k in deltas.Keys.ToList()) deltas[k] = deltas[k] with { Scale = adapter.Scale };
        return adapter;
    }

    /// <summary>Attaches the deltas to their layers: unmerged (switchable per forward call) or merged into W.</summary>
    internal void Attach(ModelWeights weights, bool merge)
    {
        foreach (var lin in weights.Layers.SelectMany(l => l.Linears()))
        {
            if (!Deltas.TryGetValue(lin.Name, out var delta)) continue;
            if (!merge) { lin.Lora = delta; continue; }
            // W += scale * B A: B [out, r] times A [r, in].
            var scaledB = (float[])delta.B.Clone();
            System.Numerics.Tensors.TensorPrimitives.Multiply(scaledB, delta.Scale, scaledB);
            Gemm.Multiply(scaledB, delta.A, lin.Weight, lin.Out, lin.In, delta.Rank, accumulate: true);
        }
    }
}
