using HonestyEngine.Runtime.SafeTensors;
using System.Security.Cryptography;
using HonestyEngine.Abstractions;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.FineTuning;

/// <summary>The frozen weights a new fine-tune trains on: the model folder alone, or, for a model opened with a
/// PEFT adapter (every built-in testbed is testbeds/_base/model + testbeds/&lt;name&gt;/adapter), the base with that
/// adapter merged in (W += alpha/r * B A, as PEFT's merge_and_unload). Because the runtime applies one adapter per
/// handle, the merged weights are saved once as a plain checkpoint under <c>{cacheRoot}/merged-bases/</c>, keyed by a
/// SHA-256 of the base weights and the adapter files, so the tuned handle is that checkpoint + the new adapter.</summary>
public static class FrozenBase
{
    /// <summary>The model folder a new adapter is trained and opened on for <paramref name="info"/>; creates the
    /// merged checkpoint when the model carries an adapter and it is not cached yet.</summary>
    public static string Folder(ModelInfo info, string cacheRoot)
    {
        string basePath = info.Path ?? throw new MethodInputException($"{info.Name}: the model has no folder to train from.");
        if (info.AdapterPath is null) return basePath;
        string key = Key(basePath, info.AdapterPath);
        string owner = Path.GetFileName(Path.GetDirectoryName(info.AdapterPath.TrimEnd(Path.DirectorySeparatorChar)) ?? "adapter");
        string dir = Path.Combine(cacheRoot, "merged-bases", $"{Safe(owner)}-merged-{key}");
        if (File.Exists(Path.Combine(dir, CompleteMarker))) return dir;

        var model = LoadMerged(basePath, info.AdapterPath);
        string temp = SafeTensorsWriter.TempPathFor(dir);
        HfCheckpoint.Save(model, temp);
        CopyModelSideFiles(basePath, temp);
        File.WriteAllText(Path.Combine(temp, CompleteMarker), $"base: {basePath}\nadapter: {info.AdapterPath}\n");
        // A folder there without the marker is not ours to trust (written by hand or by an older layout): replace it.
        if (Directory.Exists(dir) && !File.Exists(Path.Combine(dir, CompleteMarker))) Directory.Delete(dir, true);
        try { Directory.Move(temp, dir); }
        catch (IOException) when (File.Exists(Path.Combine(dir, CompleteMarker))) { Directory.Delete(temp, true); }   // another job merged it first
        return dir;
    }

    /// <summary>Written last into a merged checkpoint folder: present means the folder is complete.</summary>
    public const string CompleteMarker = "merged-from.txt";

    /// <summary>Loads the base folder and folds the PEFT adapter (if any) into its weights; nothing trainable.</summary>
    public static LlamaModel LoadMerged(string basePath, string? adapterPath)
    {
        var model = HfCheckpoint.Load(basePath);
        if (adapterPath is null) return model;
        var adapter = PeftAdapter.Load(adapterPath, model.Config);
        model.AttachLora(adapter, trainAdapter: false);
        model.MergeLora();
        model.FreezeAll();
        return model;
    }

    /// <summary>Copies the tokenizer, chat template and generation config (everything but the weights), so a tuned
    /// or merged folder opens alone.</summary>
    public static void CopyModelSideFiles(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".safetensors", StringComparison.Ordinal) || name.EndsWith(".safetensors.index.json", StringComparison.Ordinal)) continue;
            string target = Path.Combine(to, name);
            if (!File.Exists(target)) File.Copy(file, target);
        }
    }

    /// <summary>16 hex digits of SHA-256 over the base's config and weights and the adapter's files.</summary>
    public static string Key(string basePath, string? adapterPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string folder)
        {
            foreach (var file in Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal)
                         || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\0"));
                using var stream = File.OpenRead(file);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = stream.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
            }
        }
        Add(basePath);
        if (adapterPath is not null) { sha.AppendData("\0adapter\0"u8); Add(adapterPath); }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    internal static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
