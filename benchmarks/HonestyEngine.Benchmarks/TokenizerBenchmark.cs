using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Benchmarks;

/// <summary>Tokenizer throughput on the HF fixture tokenizers (Qwen3, Llama 3, Gemma 3). Peers measured in the
/// same run: the pre-tokenizer regex alone over the same text (the floor any regex-split BPE pays), and the
/// regex as written in tokenizer.json run by .NET unchanged (wrong on non-BMP code points, but shows what the
/// code-point-correct translation costs). Corpus: the 300 fixture strings of each tokenizer, repeated.</summary>
internal sealed class TokenizerBenchmark : IBenchmarkSuite
{
    public string Name => "tokenizer";
    public string Description => "HfTokenizer load, encode and decode throughput vs its own pre-tokenizer regex";

    public int Run(string[] args)
    {
        string root = FindFixtures();
        int repeats = args.Length > 0 && int.TryParse(args[0], out int r) ? r : 20;
        Console.WriteLine($"tokenizer benchmark: corpus = fixture strings x {repeats}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine($"{"tokenizer",-8} {"load s",7} {"MB/s",7} {"Mtok/s",7} {"regex MB/s",10} {"encode/regex",12} {"as-written MB/s",15} {"translated/as-written",21} {"decode MB/s",11}");
        foreach (string name in new[] { "qwen3", "llama3", "gemma3" })
        {
            string dir = Path.Combine(root, name);
            var sw = Stopwatch.StartNew();
            var tokenizer = HfTokenizer.Load(dir);
            double load = sw.Elapsed.TotalSeconds;

            var lines = File.ReadLines(Path.Combine(dir, "expected_encodings.jsonl"))
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
            string corpus = string.Join("\n", Enumerable.Repeat(string.Join("\n", lines), repeats));
            double megabytes = System.Text.Encoding.UTF8.GetByteCount(corpus) / 1e6;

            tokenizer.Encode(corpus); // warm: JIT, regex compilation, word cache
            sw.Restart();
            var ids = tokenizer.Encode(corpus);
            double encode = sw.Elapsed.TotalSeconds;

            sw.Restart();
            string decoded = tokenizer.Decode(ids);
            double decode = sw.Elapsed.TotalSeconds;
            if (decoded != corpus) { Console.Error.WriteLine($"{name}: decode(encode(corpus)) != corpus"); return 1; }

            string? pattern = SplitPattern(Path.Combine(dir, "tokenizer.json"));
            string regexCols = $"{"-",10} {"-",12} {"-",15} {"-",21}";
            if (pattern is not null)
            {
                var translated = OnigRegexTranslator.Get(pattern);
                var asWritten = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
                double t1 = TimeMatches(() => translated.Matches(corpus).Count), t2 = TimeMatches(() => asWritten.Matches(corpus).Count);
                regexCols = $"{megabytes / t1,10:F2} {encode / t1,12:F2} {megabytes / t2,15:F2} {t1 / t2,21:F2}";
            }
            Console.WriteLine($"{name,-8} {load,7:F2} {megabytes / encode,7:F2} {ids.Length / encode / 1e6,7:F2} {regexCols} {megabytes / decode,11:F2}");
        }
        return 0;
    }

    private static double TimeMatches(Func<int> countMatches)
    {
        countMatches(); // warm
        var sw = Stopwatch.StartNew();
        countMatches();
        return sw.Elapsed.TotalSeconds;
    }

    private static string? SplitPattern(string tokenizerJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerJson));
        var pre = doc.RootElement.GetProperty("pre_tokenizer");
        if (pre.ValueKind != JsonValueKind.Object) return null;
        var steps = pre.GetProperty("type").GetString() == "Sequence" ? pre.GetProperty("pretokenizers").EnumerateArray().ToList() : [pre];
        foreach (var s in steps)
            if (s.GetProperty("type").GetString() == "Split" && s.GetProperty("pattern").TryGetProperty("Regex", out var regex))
                return regex.GetString();
        return null;
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    private static string FindFixtures()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("HonestyEngine.sln not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "hf-reference", "tokenizers"));
    }
}
