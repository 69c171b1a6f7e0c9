using System.Text.Json.Nodes;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.IO;

/// <summary>Weight precision of a saved checkpoint.</summary>
public enum CheckpointDType { F32, BF16 }

/// <summary>Saves and loads a <see cref="LlamaModel"/> as a Hugging Face folder: <c>config.json</c>
/// (LlamaForCausalLM), <c>generation_config.json</c> and <c>model.safetensors</c> (or shards), so
/// the engine's runtime and transformers both load what the trainer writes.</summary>
public static class HfCheckpoint
{
    public static void Save(LlamaModel model, string folder, CheckpointDType dtype = CheckpointDType.F32)
    {
        Directory.CreateDirectory(folder);
        var c = model.Config;
        string configJson = c.ToJson(dtype == CheckpointDType.BF16 ? "bfloat16" : "float32");
        // Tied checkpoints omit lm_head.weight, as transformers writes them.
        var entries = model.AllParameters().Select(p => dtype == CheckpointDType.BF16
            ? SafeTensorsEntry.BF16(p.Name, p.Shape, p.Value)
            : SafeTensorsEntry.F32(p.Name, p.Shape, p.Value));
        SafeTensorsWriter.Write(Path.Combine(folder, SafeTensorsCheckpoint.SingleFileName), entries, new Dictionary<string, string> { ["format"] = "pt" });
        WriteAtomically(Path.Combine(folder, "config.json"), configJson);
        var gen = new JsonObject { ["_from_model_config"] = true, ["bos_token_id"] = c.BosTokenId, ["eos_token_id"] = c.EosTokenId, ["transformers_version"] = "4.46.0" };
        if (c.PadTokenId is { } pad) gen["pad_token_id"] = pad;
        WriteAtomically(Path.Combine(folder, "generation_config.json"), gen.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads a llama folder (any dtype the reader converts: F32, F16, BF16). Every error names
    /// the folder or file and the tensor that is missing, misshapen or unexpected.</summary>
    public static LlamaModel Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: model folder not found.");
        var config = LlamaTrainingConfig.Load(Path.Combine(folder, "config.json"));
        var model = new LlamaModel(config);
        using var ckpt = SafeTensorsCheckpoint.Open(folder);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in model.AllParameters())
        {
            expected.Add(p.Name);
            if (!ckpt.Contains(p.Name)) throw new InvalidDataException($"{folder}: the checkpoint has no tensor '{p.Name}' (expected shape [{string.Join(", ", p.Shape)}]).");
            var info = ckpt.Info(p.Name);
            if (!info.Shape.Select(s => (int)s).SequenceEqual(p.Shape))
                throw new InvalidDataException($"{ckpt.FileOf(p.Name).Path}: tensor '{p.Name}' has shape {info.ShapeText}; config.json implies [{string.Join(", ", p.Shape)}].");
            ckpt.FileOf(p.Name).ReadFloat32(p.Name, 0, p.Value);
            var bad = Array.FindIndex(p.Value, v => !float.IsFinite(v));
            if (bad >= 0) throw new InvalidDataException($"{ckpt.FileOf(p.Name).Path}: tensor '{p.Name}' has a non-finite value at element {bad}.");
        }
        foreach (var name in ckpt.TensorNames)
        {
            if (expected.Contains(name) || name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
            if (name == "lm_head.weight" && config.TieWordEmbeddings) continue;   // some tied checkpoints still carry a copy
            throw new InvalidDataException($"{folder}: unexpected tensor '{name}' for a llama model (is this another architecture, e.g. with biases?).");
        }
        return model;
    }

    internal static void WriteAtomically(string path, string text)
    {
        var temp = SafeTensorsWriter.TempPathFor(path);
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
