using HonestyEngine.Runtime.SafeTensors;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Training.FineTuning;

/// <summary>The folder a fine-tune is saved in (<see cref="FineTuneRequest.OutputDirectory"/>), made reusable:
/// a manifest written last records a fingerprint of everything the result depends on (hyperparameters, the
/// tokenized training data of every source, training hooks, and the frozen weights' hash), so a complete folder for
/// the same job is opened instead of trained again, and a folder left by another job (or by an older testbed
/// adapter) is replaced. New results are written to a temporary sibling and moved into place.</summary>
public static class FineTuneOutput
{
    public const string ManifestFileName = "honesty-finetune.json";

    /// <summary>The manifest of <paramref name="folder"/> when it is complete and its fingerprint is
    /// <paramref name="fingerprint"/>; otherwise null.</summary>
    public static JsonObject? Complete(string folder, string fingerprint)
    {
        string path = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(path)) return null;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            return manifest?["fingerprint"]?.GetValue<string>() == fingerprint ? manifest : null;
        }
        catch (System.Text.Json.JsonException) { return null; }   // a damaged manifest is an incomplete folder: train again
    }

    /// <summary>Writes the manifest into <paramref name="temp"/> (last, so its presence means complete) and moves
    /// the folder to <paramref name="target"/>, replacing whatever was there.</summary>
    public static void Publish(string temp, string target, string fingerprint, string kind, IReadOnlyDictionary<string, string> facts)
    {
        var manifest = new JsonObject { ["fingerprint"] = fingerprint, ["kind"] = kind };
        foreach (var (k, v) in facts) manifest[k] = v;
        File.WriteAllText(Path.Combine(temp, ManifestFileName), manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        if (Directory.Exists(target))
        {
            // Move the stale folder aside first so the target is never half old, half new.
            string stale = target + ".stale-" + Guid.NewGuid().ToString("N")[..8];
            Directory.Move(target, stale);
            Directory.Move(temp, target);
            try { Directory.Delete(stale, true); } catch (IOException) { /* left for the cache's owner to clean */ }
        }
        else Directory.Move(temp, target);
    }

    /// <summary>A temporary folder next to <paramref name="target"/> (same volume, so the final move is a rename).</summary>
    public static string TempSibling(string target)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = SafeTensorsWriter.TempPathFor(full);
        Directory.CreateDirectory(temp);
        return temp;
    }

    /// <summary>SHA-256 (hex) over the request's hyperparameters, training hooks, and per source the frozen
    /// weights' key and the exact token ids and loss masks trained on.</summary>
    public static string Fingerprint(FineTuneRequest r, IReadOnlyList<(string FrozenKey, IReadOnlyList<TrainingExample> Examples)> sources)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Text(string.Create(CultureInfo.InvariantCulture,
            $"v1|{r.Name}|{r.Steps}|{r.LearningRate:R}|{r.LoraRank}|{r.LoraAlpha:R}|{r.FullFineTune}|{r.BatchSize}|{r.Seed}"));
        foreach (var edit in r.TrainingHooks?.Edits ?? [])
        {
            Text($"{edit.GetType().Name}|{edit.Hook}|{edit.Positions}");
            if (edit is AddVectorEdit add)
            {
                Text(add.Coefficient.ToString("R", CultureInfo.InvariantCulture));
                foreach (var v in add.Vector) Text(v.ToString("R", CultureInfo.InvariantCulture));
            }
        }
        foreach (var (key, examples) in sources)
        {
            Text("source|" + key + "|" + examples.Count);
            foreach (var ex in examples)
            {
                Text(string.Join(',', ex.TokenIds));
                Text(ex.LossMask is null ? "all" : string.Concat(ex.LossMask.Select(m => m ? '1' : '0')));
            }
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}
