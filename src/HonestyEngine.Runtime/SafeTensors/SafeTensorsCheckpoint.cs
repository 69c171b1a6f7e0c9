using System.Text.Json;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>The weights of a Hugging Face checkpoint folder: either one <c>model.safetensors</c> or (when there is no
/// such file, as in transformers) shards listed by <c>model.safetensors.index.json</c>. Every tensor is looked up by name across shards; the index is checked
/// against the shards (missing shard files and tensors absent from their shard are named).</summary>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafeTensorsFile> _files;
    private readonly Dictionary<string, SafeTensorsFile> _byTensor;

    /// <summary>The folder the checkpoint was opened from.</summary>
    public string Directory { get; }
    /// <summary>The opened files (one, or the shards in index order).</summary>
    public IReadOnlyList<SafeTensorsFile> Files => _files;
    /// <summary>All tensor names, across shards.</summary>
    public IEnumerable<string> TensorNames => _byTensor.Keys;

    private SafeTensorsCheckpoint(string directory, List<SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> byTensor)
    {
        Directory = directory; _files = files; _byTensor = byTensor;
    }

    /// <summary>Opens the weights of a model folder: model.safetensors when it exists, else the shards of
    /// model.safetensors.index.json. The order is transformers' (<c>_get_resolved_checkpoint_files</c> looks for the
    /// single file first), so a folder holding both loads the same weights here as there.</summary>
    public static SafeTensorsCheckpoint Open(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: model folder not found.");
        var single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single)) return OpenFiles(directory, [single]);
        var index = Path.Combine(directory, IndexFileName);
        if (File.Exists(index)) return OpenSharded(directory, index);
        throw new FileNotFoundException($"{directory}: no {SingleFileName} or {IndexFileName} in the model folder.", single);
    }

    /// <summary>Opens one or more safetensors files as a single namespace of tensors (duplicate names are an error).</summary>
    public static SafeTensorsCheckpoint OpenFiles(string directory, IReadOnlyList<string> paths)
    {
        var files = new List<SafeTensorsFile>();
        var byTensor = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var p in paths)
            {
                var f = SafeTensorsFile.Open(p);
                files.Add(f);
                foreach (var name in f.Tensors.Keys)
                    if (!byTensor.TryAdd(name, f))
                        throw new SafeTensorsFormatException(f.Path, name, $"also present in {byTensor[name].Path}.");
            }
            return new SafeTensorsCheckpoint(directory, files, byTensor);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    private static SafeTensorsCheckpoint OpenSharded(string directory, string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var doc = JsonDocument.Parse(Text.StrictUtf8.ReadAllBytes(indexPath, problem => new SafeTensorsFormatException(indexPath, null, problem + ".")));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var wm) || wm.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(indexPath, null, "has no 'weight_map' object.");
            weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in wm.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                    throw new SafeTensorsFormatException(indexPath, p.Name, "weight_map value is not a file name.");
                weightMap[p.Name] = p.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(indexPath, null, $"is not valid JSON ({e.Message}).", e);
        }
        var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).ToList();
        var shardPaths = new List<string>();
        foreach (var shard in shardNames)
        {
            // A shard name must be a plain file name in the folder: no path traversal out of it.
            if (shard.Length == 0 || shard != Path.GetFileName(shard))
                throw new SafeTensorsFormatException(indexPath, null, $"shard name '{shard}' is not a plain file name.");
            var p = Path.Combine(directory, shard);
            if (!File.Exists(p))
                throw new SafeTensorsFormatException(indexPath, null,
                    $"references shard '{shard}' ({weightMap.Count(kv => kv.Value == shard)} tensors, e.g. '{weightMap.First(kv => kv.Value == shard).Key}') which does not exist in {directory}.");
            shardPaths.Add(p);
        }
        var checkpoint = OpenFiles(directory, shardPaths);
        try
        {
            foreach (var (name, shard) in weightMap)
            {
                if (!checkpoint._byTensor.TryGetValue(name, out var f))
                    throw new SafeTensorsFormatException(Path.Combine(directory, shard), name, $"listed in {IndexFileName} but not present in the shard.");
                if (Path.GetFileName(f.Path) != shard)
                    throw new SafeTensorsFormatException(f.Path, name, $"{IndexFileName} says it is in '{shard}'.");
            }
            foreach (var name in checkpoint._byTensor.Keys)
                if (!weightMap.ContainsKey(name))
                    throw new SafeTensorsFormatException(checkpoint._byTensor[name].Path, name, $"present in the shard but not listed in {IndexFileName}.");
            return checkpoint;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>True when some file has this tensor.</summary>
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <summary>The file holding a tensor (for error messages and raw access).</summary>
    public SafeTensorsFile FileOf(string name) =>
        _byTensor.TryGetValue(name, out var f) ? f : throw new SafeTensorsFormatException(Directory, name, "no such tensor in the checkpoint.");

    public SafeTensorInfo Info(string name) => FileOf(name).Info(name);
    public float[] ReadFloat32(string name) => FileOf(name).ReadFloat32(name);
    public Tensor ReadTensor(string name) => FileOf(name).ReadTensor(name);

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
    }
}
