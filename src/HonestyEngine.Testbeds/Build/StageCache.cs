using System.Security.Cryptography;
using System.Text;

namespace HonestyEngine.Testbeds.Build;

/// <summary>Apollo-style stage cache: each stage's outputs are recorded under _cache/&lt;stage&gt;.key with the
/// hash of its inputs; a rerun redoes a stage only when that hash changed or an output file disappeared.</summary>
public sealed class StageCache(string cacheDir)
{
    public string Directory { get; } = cacheDir;

    public static string Hash(params string[] parts)
    {
        using var sha = SHA256.Create();
        foreach (var p in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(p);
            sha.TransformBlock(BitConverter.GetBytes(bytes.Length), 0, 4, null, 0);
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexStringLower(sha.Hash!)[..16];
    }

    public static string HashFiles(IEnumerable<string> files) =>
        Hash(files.OrderBy(f => f, StringComparer.Ordinal).Select(f => File.Exists(f) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))) : "missing:" + f).ToArray());

    private string KeyFile(string stage) => Path.Combine(Directory, stage.Replace('/', '_') + ".key");

    /// <summary>True if the stage already ran with this key and all its outputs still exist.</summary>
    public bool IsFresh(string stage, string key, IEnumerable<string> outputs) =>
        File.Exists(KeyFile(stage)) && File.ReadAllText(KeyFile(stage)).Trim() == key && outputs.All(File.Exists);

    public void Record(string stage, string key)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(KeyFile(stage), key + "\n");
    }
}
