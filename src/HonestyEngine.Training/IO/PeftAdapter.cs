using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.IO;

/// <summary>Saves and loads a <see cref="LoraAdapter"/> as PEFT does: <c>adapter_config.json</c>
/// (peft_type LORA) and <c>adapter_model.safetensors</c> with keys
/// <c>base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight</c> [r, in] and
/// <c>...lora_B.weight</c> [out, r]; loadable with <c>PeftModel.from_pretrained</c>.</summary>
public static class PeftAdapter
{
    public const string ConfigFileName = "adapter_config.json";
    public const string WeightsFileName = "adapter_model.safetensors";

    public static void Save(LoraAdapter adapter, string folder, string? baseModelNameOrPath, CheckpointDType dtype = CheckpointDType.F32)
    {
        Directory.CreateDirectory(folder);
        var o = adapter.Options;
        var cfg = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = baseModelNameOrPath,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = o.Layers is null ? null : new JsonArray(o.Layers.Distinct().Order().Select(l => (JsonNode)l).ToArray()),
            ["lora_alpha"] = o.Alpha,
            ["lora_dropout"] = 0.0,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = o.Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray(o.TargetModules.Distinct().Order(StringComparer.Ordinal).Select(m => (JsonNode)m).ToArray()),
            ["task_type"] = "CAUSAL_LM",
            ["use_dora"] = false,
            ["use_rslora"] = o.UseRsLora,
        };
        var entries = adapter.Parameters().Select(p => dtype == CheckpointDType.BF16
            ? SafeTensorsEntry.BF16(p.Name, p.Shape, p.Value)
            : SafeTensorsEntry.F32(p.Name, p.Shape, p.Value));
        SafeTensorsWriter.Write(Path.Combine(folder, WeightsFileName), entries, new Dictionary<string, string> { ["format"] = "pt" });
        HfCheckpoint.WriteAtomically(Path.Combine(folder, ConfigFileName), cfg.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads a PEFT LoRA adapter for a model of <paramref name="config"/>. Unsupported PEFT
    /// features (DoRA, rank/alpha patterns, biases, modules_to_save, regex target_modules) are errors.</summary>
    public static LoraAdapter Load(string folder, LlamaTrainingConfig config)
    {
        string cfgPath = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(cfgPath)) throw new FileNotFoundException($"{folder}: no {ConfigFileName} in the adapter folder.", cfgPath);
        JsonObject cfg;
        try { cfg = JsonNode.Parse(File.ReadAllText(cfgPath)) as JsonObject ?? throw new InvalidDataException($"{cfgPath}: expected a JSON object."); }
        catch (JsonException e) { throw new InvalidDataException($"{cfgPath}: not valid JSON ({e.Message}).", e); }

        string? peftType = cfg["peft_type"]?.GetValue<string>();
        if (peftType != "LORA") throw new InvalidDataException($"{cfgPath}: peft_type is '{peftType}'; only LORA adapters are supported.");
        if (cfg["use_dora"] is JsonValue dora && dora.GetValue<bool>()) throw new InvalidDataException($"{cfgPath}: use_dora=true (DoRA) is not supported.");
        if (cfg["rank_pattern"] is JsonObject { Count: > 0 } || cfg["alpha_pattern"] is JsonObject { Count: > 0 })
            throw new InvalidDataException($"{cfgPath}: rank_pattern/alpha_pattern are not supported.");
        if (cfg["bias"]?.GetValue<string>() is { } bias && bias != "none") throw new InvalidDataException($"{cfgPath}: bias='{bias}' is not supported.");
        if (cfg["modules_to_save"] is JsonArray { Count: > 0 }) throw new InvalidDataException($"{cfgPath}: modules_to_save is not supported.");
        if (cfg["fan_in_fan_out"] is JsonValue fifo && fifo.GetValue<bool>()) throw new InvalidDataException($"{cfgPath}: fan_in_fan_out=true is not a llama layout.");
        int rank = cfg["r"]?.GetValue<int>() ?? throw new InvalidDataException($"{cfgPath}: missing 'r'.");
        float alpha = (float)(cfg["lora_alpha"]?.GetValue<double>() ?? throw new InvalidDataException($"{cfgPath}: missing 'lora_alpha'."));
        List<string> targets = cfg["target_modules"] switch
        {
            JsonArray a => a.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue v when LlamaLayerParameters.ProjectionNames.Contains(v.GetValue<string>()) => [v.GetValue<string>()],
            var other => throw new InvalidDataException($"{cfgPath}: target_modules {other?.ToJsonString() ?? "null"} is not a list of llama projection names."),
        };
        List<int>? layers = cfg["layers_to_transform"] switch
        {
            JsonArray a => a.Select(n => n!.GetValue<int>()).ToList(),
            JsonValue v => [v.GetValue<int>()],
            _ => null,
        };
        var options = new LoraOptions
        {
            Rank = rank, Alpha = alpha, TargetModules = targets, Layers = layers,
            UseRsLora = cfg["use_rslora"] is JsonValue rs && rs.GetValue<bool>(),
        };
        LoraAdapter adapter;
        try { adapter = LoraAdapter.Empty(config, options); }
        catch (ArgumentException e) { throw new InvalidDataException($"{cfgPath}: {e.Message}", e); }

        string weights = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(weights)) throw new FileNotFoundException($"{folder}: no {WeightsFileName} in the adapter folder.", weights);
        using var file = SafeTensorsFile.Open(weights);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in adapter.Parameters())
        {
            expected.Add(p.Name);
            if (!file.Contains(p.Name)) throw new InvalidDataException($"{weights}: missing tensor '{p.Name}' (expected shape [{string.Join(", ", p.Shape)}]).");
            var info = file.Info(p.Name);
            if (!info.Shape.Select(s => (int)s).SequenceEqual(p.Shape))
                throw new InvalidDataException($"{weights}: tensor '{p.Name}' has shape {info.ShapeText}; expected [{string.Join(", ", p.Shape)}].");
            file.ReadFloat32(p.Name, 0, p.Value);
            var bad = Array.FindIndex(p.Value, v => !float.IsFinite(v));
            if (bad >= 0) throw new InvalidDataException($"{weights}: tensor '{p.Name}' has a non-finite value at element {bad}.");
        }
        foreach (var name in file.Tensors.Keys)
            if (!expected.Contains(name))
                throw new InvalidDataException($"{weights}: unexpected tensor '{name}' (not a LoRA A/B of the configured target modules and layers).");
        return adapter;
    }
}
