using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Compute.Store;

/// <summary>Writes and reads one activation set folder (index.json + safetensors shards).</summary>
internal static class ActivationSetIO
{
    /// <summary>Shards stay below this size so each maps and copies comfortably (and Python loads them lazily).</summary>
    public const long DefaultShardBytes = 1L << 30;

    /// <summary>Writes the set into a temporary sibling folder and renames it into place, so a reader (or a
    /// crashed writer) never leaves a half-written set under the final name.</summary>
    public static void Write(string directory, ActivationIndex index, Tensor data, long maxShardBytes = DefaultShardBytes)
    {
        int rows = data.Rows, dim = index.Dim;
        int rowsPerShard = (int)Math.Clamp(maxShardBytes / (4L * dim), 1, int.MaxValue);
        string parent = Path.GetDirectoryName(Path.GetFullPath(directory))!;
        Directory.CreateDirectory(parent);
        string temp = SafeTensorsWriter.TempPathFor(directory);
        Directory.CreateDirectory(temp);
        try
        {
            var shards = new List<ActivationShard>();
            for (int start = 0, s = 0; start < rows || (rows == 0 && s == 0); start += rowsPerShard, s++)
            {
                int count = Math.Min(rowsPerShard, rows - start);
                string file = $"shard-{s:D5}.safetensors";
                SafeTensorsWriter.Write(Path.Combine(temp, file),
                    [SafeTensorsEntry.F32(ActivationIndex.TensorName, [count, dim], data.Data.AsSpan(start * dim, count * dim))],
                    new Dictionary<string, string> { ["hook"] = index.Hook, ["pooling"] = index.Pooling, ["row_start"] = start.ToString() });
                shards.Add(new ActivationShard(file, start, count));
                if (rows == 0) break;
            }
            var final = index with { Shards = shards, CreatedUtc = DateTime.UtcNow.ToString("O") };
            File.WriteAllText(Path.Combine(temp, "index.json"), JsonSerializer.Serialize(final, ActivationIndex.Json));
            try
            {
                Directory.Move(temp, directory);
            }
            catch (IOException) when (File.Exists(Path.Combine(directory, "index.json")))
            {
                // Another process finished the same set first; its content is identical by construction.
                Directory.Delete(temp, recursive: true);
            }
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Reads a set through memory-mapped shards, checking each shard header against the index
    /// and the values for NaN/Inf.</summary>
    public static (ActivationIndex Index, Tensor Data) Read(string directory)
    {
        string indexPath = Path.Combine(directory, "index.json");
        var index = ActivationIndex.Load(indexPath);
        var data = new Tensor([index.Rows, index.Dim]);
        foreach (var shard in index.Shards)
        {
            string path = Path.Combine(directory, shard.File);
            using var file = SafeTensorsFile.Open(path);
            var info = file.Info(ActivationIndex.TensorName);
            if (info.Shape.Length != 2 || info.Shape[0] != shard.Rows || info.Shape[1] != index.Dim)
                throw new InvalidDataException(
                    $"{path}: tensor '{ActivationIndex.TensorName}' has shape {info.ShapeText} but {indexPath} says [{shard.Rows}, {index.Dim}].");
            var dest = data.Data.AsSpan(shard.RowStart * index.Dim, shard.Rows * index.Dim);
            file.ReadFloat32(ActivationIndex.TensorName, 0, dest);
            int bad = Finite.FirstNonFinite(dest);
            if (bad >= 0)
                throw new MethodInputException($"{path}: activations contain {Finite.Describe(dest[bad])} at row {shard.RowStart + bad / index.Dim} " +
                                               $"(id '{index.Ids[shard.RowStart + bad / index.Dim]}'), column {bad % index.Dim}.");
        }
        return (index, data);
    }
}
