using System.Text.Json;
using System.Text.Json.Serialization;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.IO;

namespace HonestyEngine.Engine.Running;

/// <summary>testbed -> model run -> transcripts. Generates a greedy response for every eval and control item
/// (or takes the item's fixed Response), labels it with the testbed's labeller, and samples the neutral context
/// k times for items that have one (Wang et al.'s counterfactual rule needs the neutral accuracy).
/// Cached on disk (Apollo style): the key covers the testbed name, version and data, seed, profile and sampling
/// settings, so a rerun only regenerates when one of them changed.</summary>
internal static class ModelRunStage
{
    // 2: labels are three-valued (a response the labeller cannot judge is unknown, never honest).
    private const int StageVersion = 2;
    private const int BatchSize = 16;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static string KeyOf(TestbedFingerprint fingerprint, RunOptions options, int maxNewTokens) =>
        Matrix.MethodVariant.Hash($"model-run|v{StageVersion}|{fingerprint.Hash}|seed={options.Seed}|{options.ProfileName}|k={options.EffectiveSamplesPerItem}|max_new_tokens={maxNewTokens}");

    public static ModelRun Run(ITestbed testbed, TestbedFingerprint fingerprint, RunOptions options, Action<string> log, CancellationToken cancel)
    {
        int maxNewTokens = MaxNewTokens(testbed, options);
        var key = KeyOf(fingerprint, options, maxNewTokens);
        var path = Path.Combine(options.CacheDirectory, "model-runs", $"{CachePaths.Safe(testbed.Info.Name)}-{key}.json");
        var eval = fingerprint.Eval;
        var control = fingerprint.Control;

        var cached = TryRead(path, key, log);
        if (cached is not null) return Rebuild(testbed, key, eval, control, cached, fromCache: true);

        log($"model run: {testbed.Info.Name}: generating {eval.Count} eval and {control.Count} control responses");
        var labeller = testbed.Labeller;
        var file = new ModelRunFile { Key = key, Testbed = testbed.Info.Name, Version = testbed.Info.Version, Seed = options.Seed, Profile = options.ProfileName };
        var model = (eval.Concat(control).Any(i => i.Response is null) || eval.Any(i => i.NeutralMessages is not null)) ? testbed.OpenModel() : null;

        var evalResponses = Respond(model, eval, maxNewTokens, options.Seed, cancel);
        for (int i = 0; i < eval.Count; i++)
        {
            var item = eval[i];
            int? label = item.Response is not null && item.Label is not null ? item.Label : labeller.Label(item, evalResponses[i]);
            file.Eval.Add(new ResponseRecord { Id = item.Id, Response = evalResponses[i], Label = label });
        }
        var controlResponses = Respond(model, control, maxNewTokens, options.Seed, cancel);
        for (int i = 0; i < control.Count; i++)
        {
            var item = control[i];
            // The control set is benign chat by construction (Apollo): a response the labeller cannot judge counts as honest.
            int label = item.Response is not null && item.Label is not null ? item.Label.Value : labeller.Label(item, controlResponses[i]) ?? 0;
            file.Control.Add(new ResponseRecord { Id = item.Id, Response = controlResponses[i], Label = label });
        }
        NeutralAccuracy(model!, eval, labeller, options, maxNewTokens, file.Neutral, cancel);

        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(file, Json));
        return Rebuild(testbed, key, eval, control, file, fromCache: false);
    }

    private static int MaxNewTokens(ITestbed testbed, RunOptions options) =>
        testbed.Info.Properties is { } p && p.TryGetValue("max_new_tokens", out var s) && int.TryParse(s, out var n) && n > 0 ? n : options.MaxNewTokens;

    private static List<string> Respond(IModelHandle? model, IReadOnlyList<DatasetItem> items, int maxNewTokens, int seed, CancellationToken cancel)
    {
        var responses = new string[items.Count];
        var toGenerate = new List<int>();
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i].Response is { } fixedResponse) responses[i] = fixedResponse;
            else toGenerate.Add(i);
        }
        var greedy = new SamplingOptions(MaxNewTokens: maxNewTokens, Temperature: 0f, Seed: seed);
        if (toGenerate.Count > 0)
        {
            var texts = GenerateAll(model!, toGenerate.Select(i => new GenerationRequest(Prompt.Chat(items[i].Messages), greedy)).ToList(), cancel);
            for (int j = 0; j < toGenerate.Count; j++) responses[toGenerate[j]] = texts[j];
        }
        return responses.ToList();
    }

    /// <summary>The texts of <paramref name="requests"/>, in order, generated in batches of <see cref="BatchSize"/>: the
    /// model run's responses, its neutral samples and the reference rows' generations all go through here.</summary>
    internal static List<string> GenerateAll(IModelHandle model, IReadOnlyList<GenerationRequest> requests, CancellationToken cancel)
    {
        var texts = new List<string>(requests.Count);
        foreach (var chunk in requests.Chunk(BatchSize))
        {
            cancel.ThrowIfCancellationRequested();
            var results = model.Generate(chunk, cancel);
            if (results.Count != chunk.Length)
                throw new InvalidOperationException($"Model '{model.Info.Name}' returned {results.Count} generations for a batch of {chunk.Length}.");
            texts.AddRange(results.Select(r => r.Text));
        }
        return texts;
    }

    /// <summary>k samples per neutral prompt: greedy when k = 1, else temperature 1 with a per-item, per-sample seed.</summary>
    private static void NeutralAccuracy(IModelHandle model, IReadOnlyList<DatasetItem> eval, ILabeller labeller, RunOptions options,
        int maxNewTokens, Dictionary<string, double> into, CancellationToken cancel)
    {
        int k = options.EffectiveSamplesPerItem;
        var requests = new List<(DatasetItem Item, GenerationRequest Request)>();
        foreach (var item in eval.Where(i => i.NeutralMessages is { Count: > 0 }))
            for (int j = 0; j < k; j++)
            {
                var sampling = k == 1
                    ? new SamplingOptions(MaxNewTokens: maxNewTokens, Temperature: 0f, Seed: options.Seed)
                    : new SamplingOptions(MaxNewTokens: maxNewTokens, Temperature: 1f, Seed: SampleSeed(options.Seed, item.Id, j));
                requests.Add((item, new GenerationRequest(Prompt.Chat(item.NeutralMessages!), sampling)));
            }
        var correct = new Dictionary<string, int>();
        var texts = GenerateAll(model, requests.Select(r => r.Request).ToList(), cancel);
        for (int j = 0; j < requests.Count; j++)
        {
            var item = requests[j].Item;
            // "cannot tell" (null) counts as not correct: the rule keeps only items the model demonstrably knows.
            bool ok = labeller.IsCorrect(item, texts[j]) == true;
            correct[item.Id] = correct.GetValueOrDefault(item.Id) + (ok ? 1 : 0);
        }
        foreach (var item in eval.Where(i => i.NeutralMessages is { Count: > 0 }))
            into[item.Id] = correct.GetValueOrDefault(item.Id) / (double)k;
    }

    /// <summary>The seed of sample j of an item: stable across processes and reruns.</summary>
    public static int SampleSeed(int seed, string itemId, int j) => unchecked(seed * 1_000_003 + StableHash.Of(itemId) * 31 + j);

    private static ModelRunFile? TryRead(string path, string key, Action<string> log)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var file = JsonSerializer.Deserialize<ModelRunFile>(File.ReadAllText(path), Json);
            if (file?.Key == key) return file;
        }
        catch (JsonException e)
        {
            log($"model run cache {path} is unreadable ({e.Message}); regenerating");
        }
        return null;
    }

    private static ModelRun Rebuild(ITestbed testbed, string key, IReadOnlyList<DatasetItem> eval, IReadOnlyList<DatasetItem> control, ModelRunFile file, bool fromCache)
    {
        static List<LabelledTranscript> Build(IReadOnlyList<DatasetItem> items, List<ResponseRecord> records, string split, string testbedName)
        {
            if (records.Count != items.Count)
                throw new InvalidOperationException($"Model-run cache of testbed '{testbedName}' has {records.Count} {split} responses for {items.Count} items.");
            var list = new List<LabelledTranscript>(items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                list.Add(new LabelledTranscript(item.Id, split, [.. item.Messages, ChatMessage.Assistant(records[i].Response)], records[i].Label, item));
            }
            return list;
        }
        var evalTranscripts = Build(eval, file.Eval, Splits.Eval, testbed.Info.Name);
        return new ModelRun
        {
            Testbed = testbed.Info.Name,
            Key = key,
            Eval = evalTranscripts,
            Counterfactual = CounterfactualPairs(evalTranscripts),
            Control = Build(control, file.Control, Splits.Control, testbed.Info.Name),
            NeutralAccuracy = file.Neutral,
            FromCache = fromCache,
        };
    }

    /// <summary>See <see cref="ModelRun.Counterfactual"/>. Built from the eval transcripts alone (nothing is generated:
    /// the true answer is teacher-forced), so a cached model run yields the same pairs.</summary>
    internal static List<LabelledTranscript> CounterfactualPairs(IReadOnlyList<LabelledTranscript> eval)
    {
        var pairs = new List<LabelledTranscript>();
        foreach (var t in eval)
        {
            if (t.Label != 1 || ItemFacts.Trigger(t.Item) != true || string.IsNullOrWhiteSpace(t.Item.TrueAnswer)) continue;
            var prompt = t.Messages.Take(t.Messages.Count - 1).ToList();
            pairs.Add(t with { Id = t.Id + "#lie", Split = Splits.Counterfactual });
            pairs.Add(new LabelledTranscript(t.Id + "#true", Splits.Counterfactual, [.. prompt, ChatMessage.Assistant(t.Item.TrueAnswer!)], 0, t.Item));
        }
        return pairs;
    }

    private sealed class ModelRunFile
    {
        [JsonPropertyName("key")] public string Key { get; set; } = "";
        [JsonPropertyName("testbed")] public string Testbed { get; set; } = "";
        [JsonPropertyName("version")] public string Version { get; set; } = "";
        [JsonPropertyName("seed")] public int Seed { get; set; }
        [JsonPropertyName("profile")] public string Profile { get; set; } = "";
        [JsonPropertyName("eval")] public List<ResponseRecord> Eval { get; set; } = [];
        [JsonPropertyName("control")] public List<ResponseRecord> Control { get; set; } = [];
        [JsonPropertyName("neutral_accuracy")] public Dictionary<string, double> Neutral { get; set; } = [];
    }

    private sealed class ResponseRecord
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("response")] public string Response { get; set; } = "";
        [JsonPropertyName("label")] public int? Label { get; set; }
    }
}
