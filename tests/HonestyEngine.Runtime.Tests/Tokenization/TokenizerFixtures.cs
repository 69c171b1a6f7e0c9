using System.Collections.Concurrent;
using System.Text.Json;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Locates ../shared/fixtures/hf-reference/tokenizers (walking up to HonestyEngine.sln) and caches the
/// loaded tokenizers, since Gemma's tokenizer.json alone is 33 MB.</summary>
internal static class TokenizerFixtures
{
    public static readonly string[] Names = ["qwen3", "llama3", "gemma3"];
    private static readonly ConcurrentDictionary<string, Lazy<HfTokenizer>> Loaded = new();

    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("HonestyEngine.sln not found above " + AppContext.BaseDirectory);
            return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "hf-reference", "tokenizers"));
        }
    }

    public static string Dir(string name) => Path.Combine(Root, name);

    public static HfTokenizer Tokenizer(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<HfTokenizer>(() => HfTokenizer.Load(Dir(n)))).Value;

    public static IEnumerable<JsonElement> Lines(string name, string file)
    {
        foreach (var line in File.ReadLines(Path.Combine(Dir(name), file)))
            if (!string.IsNullOrWhiteSpace(line)) yield return JsonDocument.Parse(line).RootElement.Clone();
    }

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
}
