using System.Security.Cryptography;
using System.Text;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Store;

/// <summary>Where a cached activation set lives: root/{model}/{hook}/{pooling}-{dataset hash}/.
/// The model part is the model name plus a hash of name, path and adapter path (two adapters on one base
/// model never share a cache); the dataset hash covers every rendered text in order, so any change to the
/// transcripts, their order or the chat template gives a new entry instead of stale activations.</summary>
internal sealed record ActivationKey(string ModelKey, string Hook, string Pooling, string DatasetHash)
{
    public static ActivationKey For(ModelInfo info, string hook, string pooling, IEnumerable<string> renderedTexts)
    {
        string modelId = $"{info.Name}\n{info.Path}\n{info.AdapterPath}";
        string modelKey = Sanitize(info.Name) + "-" + Hash(modelId)[..12];
        var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int count = 0;
        foreach (var text in renderedTexts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(BitConverter.GetBytes(bytes.Length)); // length-prefixed: no ambiguity between items
            sha.AppendData(bytes);
            count++;
        }
        sha.AppendData(BitConverter.GetBytes(count));
        string datasetHash = Convert.ToHexStringLower(sha.GetHashAndReset())[..24];
        return new ActivationKey(modelKey, hook, pooling, datasetHash);
    }

    public string RelativeDirectory => Path.Combine(ModelKey, Sanitize(Hook), $"{Pooling}-{DatasetHash}");

    private static string Hash(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    /// <summary>Keeps names readable (blocks.3.hook_resid_post) but safe as one path segment.</summary>
    internal static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        var r = sb.ToString().Trim('.');
        return r.Length == 0 ? "_" : r;
    }
}
