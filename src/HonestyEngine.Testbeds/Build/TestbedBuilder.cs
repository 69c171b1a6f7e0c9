using System.Diagnostics;
using System.Text;
using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Recipes;
using HonestyEngine.Testbeds.Resources;
using HonestyEngine.Testbeds.Specs;
using HonestyEngine.Testbeds.Tokenization;
using HonestyEngine.Testbeds.World;
using HonestyEngine.Training.IO;

namespace HonestyEngine.Testbeds.Build;

/// <summary>What `honesty testbeds build` is asked to do.</summary>
/// <param name="Root">The testbeds folder (the repository's testbeds/ by default).</param>
/// <param name="Only">Build only this testbed's data (world, tokenizer and base data are shared and always built).</param>
public sealed record BuildOptions(string Root, int Seed = BuildOptions.DefaultSeed, string Profile = "full", string? Only = null, int VocabSize = 2048)
{
    /// <summary>Model size and training hyperparameters; null = the profile's (<see cref="ModelRecipe.For"/>).</summary>
    public ModelRecipe? Recipe { get; init; }

    public const int DefaultSeed = 20251125;
}

/// <summary>The outcome of one stage: "built" or "cached" (inputs unchanged), its wall time, and the machine's load
/// average (1/5/15 min, /proc/loadavg; null where there is none) when it finished: a stage time means little without
/// knowing what else shared the CPU.</summary>
public sealed record StageOutcome(string Stage, string Status, string Detail, double Seconds, string? LoadAverage = null);

/// <summary>Builds the suite in stages, world -> tokenizer -> data -> base model -> testbed fine-tunes, each cached
/// on disk by the hash of its inputs (_cache/), so a rerun redoes only what changed. Folder layout:
/// <code>
/// testbeds/_base/world.json           the ground truth of the world
/// testbeds/_base/pretrain.jsonl        the base model's pretraining mix
/// testbeds/_base/model/                tokenizer.json, tokenizer_config.json, config.json, model.safetensors (BF16)
/// testbeds/_resources/*.jsonl          generic datasets (ResourceNames)
/// testbeds/&lt;name&gt;/testbed.json + train/eval/control/elicit.jsonl + adapter/ (PEFT LoRA, for fine-tuned testbeds)
/// </code></summary>
public sealed class TestbedBuilder
{
    /// <summary>Bump when the world generator, base mix or corpus rendering changes.</summary>
    public const string WorldVersion = "1", BaseMixVersion = "3", TokenizerVersion = "2", ModelVersion = "1", RefinementVersion = "4";

    public const string BaseFolder = "_base", ResourcesFolder = "_resources", CacheFolder = "_cache";

    public IReadOnlyList<StageOutcome> Build(BuildOptions options, Action<string>? log = null)
    {
        log ??= _ => { };
        var profile = WorldProfile.Parse(options.Profile);
        var recipes = TestbedCatalog.All();
        if (options.Only is not null && recipes.All(r => r.Name != options.Only))
            throw new ArgumentException($"Unknown testbed '{options.Only}'. Known: {string.Join(", ", recipes.Select(r => r.Name))}.");
        Directory.CreateDirectory(options.Root);
        var cache = new StageCache(Path.Combine(options.Root, CacheFolder));
        var outcomes = new List<StageOutcome>();
        string baseDir = Path.Combine(options.Root, BaseFolder), modelDir = Path.Combine(baseDir, "model");

        // Stage 1: world.
        var sw = Stopwatch.StartNew();
        var world = GeneratedWorld.Generate(options.Seed, profile);
        string worldKey = StageCache.Hash("world", WorldVersion, options.Seed.ToString(), profile.Name);
        string worldJson = Path.Combine(baseDir, "world.json");
        string worldDetail = $"{world.Entities.Count} entities, {world.Facts.Count} facts (seed {options.Seed}, {profile.Name})";
        outcomes.Add(Run("world", worldKey, [worldJson], () => { WriteText(worldJson, world.ToJson()); return worldDetail; }, worldDetail));

        // The data of every testbed is generated in memory (cheap).
        var baseMix = BaseMix.Generate(world);
        var data = recipes.ToDictionary(r => r.Name, r => r.Generate(world));
        var resources = GenericResources.Generate(world);

        // Stage 2: tokenizer (shared; independent of --only), trained on the base mix alone. Why not on every testbed's
        // data too (as before): then any change to one recipe's data changed the merges, hence the base model, hence
        // every testbed; now a recipe change retrains only its own adapter. Byte-level BPE still encodes any text.
        string tokKey = StageCache.Hash("tokenizer", TokenizerVersion, worldKey, BaseMixVersion, options.VocabSize.ToString());
        string tokJson = Path.Combine(modelDir, "tokenizer.json"), tokConfig = Path.Combine(modelDir, "tokenizer_config.json");
        outcomes.Add(Run("tokenizer", tokKey, [tokJson, tokConfig], () =>
        {
            var corpus = Corpus(baseMix);
            var tok = BpeTrainer.Train(corpus, options.VocabSize, ChatMl.SpecialTokens);
            TokenizerFiles.Write(modelDir, tok);
            return $"vocab {tok.VocabSize} ({tok.Merges.Count} merges)";
        }));

        // Stage 3: data (base mix, resources, each testbed's folder).
        string baseKey = StageCache.Hash("base-data", BaseMixVersion, worldKey);
        string pretrain = Path.Combine(baseDir, "pretrain.jsonl");
        outcomes.Add(Run("data/base", baseKey, [pretrain], () => { DatasetJson.Write(pretrain, baseMix); return $"{baseMix.Count} items"; }));
        string resDir = Path.Combine(options.Root, ResourcesFolder);
        outcomes.Add(Run("data/resources", StageCache.Hash("resources", worldKey), resources.Keys.Select(k => Path.Combine(resDir, k + ".jsonl")),
            () => { ResourceCatalog.Write(resDir, world); return string.Join(", ", resources.Select(kv => $"{kv.Key} {kv.Value.Count}")); }));
        foreach (var recipe in recipes.Where(r => options.Only is null || r.Name == options.Only))
        {
            var d = data[recipe.Name];
            var files = FilesOf(d);
            string dir = Path.Combine(options.Root, recipe.Name);
            outcomes.Add(Run($"data/{recipe.Name}", StageCache.Hash("testbed", recipe.Name, recipe.Version, worldKey),
                files.Values.Append(TestbedSpecLoader.FileName).Select(f => Path.Combine(dir, f)), () =>
                {
                    var spec = recipe.Spec(world) with { Files = files };
                    var errors = TestbedSpecLoader.Validate(spec);
                    if (errors.Count > 0) throw new InvalidOperationException($"Recipe '{recipe.Name}' produced an invalid spec: {string.Join("; ", errors)}.");
                    WriteText(Path.Combine(dir, TestbedSpecLoader.FileName), spec.ToJson());
                    if (d.Train.Count > 0) DatasetJson.Write(Path.Combine(dir, files["train"]), d.Train);
                    DatasetJson.Write(Path.Combine(dir, files[Splits.Eval]), d.Eval);
                    DatasetJson.Write(Path.Combine(dir, files[Splits.Control]), d.Control);
                    if (d.Elicit.Count > 0) DatasetJson.Write(Path.Combine(dir, files[Splits.Elicit]), d.Elicit);
                    return $"train {d.Train.Count}, eval {d.Eval.Count}, control {d.Control.Count}, elicit {d.Elicit.Count}";
                }));
        }

        // Stage 4: the base model, pretrained from scratch on the base mix (phase 1, kept under _cache/), then refined on
        // framed questions and instructions (phase 2) into _base/model, shared by every testbed.
        var modelRecipe = options.Recipe ?? ModelRecipe.For(profile.Name);
        string pretrainedDir = Path.Combine(options.Root, CacheFolder, "base-pretrained");
        string pretrainKey = StageCache.Hash("base-model", ModelVersion, tokKey, baseKey, modelRecipe.BaseKey, options.Seed.ToString());
        outcomes.Add(Run("base model", pretrainKey, [Path.Combine(pretrainedDir, "config.json"), Path.Combine(pretrainedDir, "model.safetensors")],
            () => ModelStages.TrainBase(modelDir, pretrainedDir, baseMix, modelRecipe, options.Seed, log)));
        string modelKey = StageCache.Hash("base-refine", ModelVersion, pretrainKey, RefinementVersion, modelRecipe.RefineKey);
        outcomes.Add(Run("base model/refine", modelKey, [Path.Combine(modelDir, "config.json"), Path.Combine(modelDir, "model.safetensors")],
            () => ModelStages.RefineBase(pretrainedDir, modelDir, BaseRefinementMix.Generate(world), baseMix, modelRecipe, options.Seed, log)));

        // Stage 5: one LoRA adapter per fine-tuned testbed, on its train.jsonl plus replayed base knowledge.
        foreach (var recipeOf in recipes.Where(r => options.Only is null || r.Name == options.Only))
        {
            var d = data[recipeOf.Name];
            var spec = recipeOf.Spec(world);
            if (spec.Model.Kind != "adapter" || d.Train.Count == 0) continue;
            string dir = Path.Combine(options.Root, recipeOf.Name), adapterDir = Path.Combine(dir, spec.Model.Path!);
            string baseRef = Path.GetRelativePath(adapterDir, Path.GetFullPath(Path.Combine(dir, spec.Model.Base))).Replace('\\', '/');
            string key = StageCache.Hash("adapter", ModelVersion, modelKey, recipeOf.Name, recipeOf.Version, worldKey, modelRecipe.AdapterKeyFor(recipeOf.Name));
            outcomes.Add(Run($"adapter/{recipeOf.Name}", key, [Path.Combine(adapterDir, PeftAdapter.ConfigFileName), Path.Combine(adapterDir, PeftAdapter.WeightsFileName)],
                () => ModelStages.TrainAdapter(recipeOf.Name, modelDir, adapterDir, baseRef, d.Train, baseMix, world, modelRecipe, options.Seed, log,
                    recipeOf.ReplayFilter(world))));
        }
        return outcomes;

        StageOutcome Run(string stage, string key, IEnumerable<string> outputs, Func<string> action, string? cachedDetail = null)
        {
            var outs = outputs.ToList();
            if (cache.IsFresh(stage, key, outs)) return new StageOutcome(stage, "cached", cachedDetail ?? $"key {key}", 0);
            var t = Stopwatch.StartNew();
            string? loadBefore = LoadAverage();
            string detail = action();
            cache.Record(stage, key);
            string? load = LoadAverage();
            log(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{stage}: {detail} [{t.Elapsed.TotalSeconds:F1} s, load average {loadBefore ?? "n/a"} at start, {load ?? "n/a"} at end]"));
            return new StageOutcome(stage, "built", detail, t.Elapsed.TotalSeconds, load);
        }
    }

    /// <summary>"1min 5min 15min" from /proc/loadavg, or null off Linux.</summary>
    public static string? LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null; }
        catch (IOException) { return null; }
    }

    private static string WriteText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static Dictionary<string, string> FilesOf(TestbedData d)
    {
        var files = new Dictionary<string, string> { [Splits.Eval] = "eval.jsonl", [Splits.Control] = "control.jsonl" };
        if (d.Train.Count > 0) files["train"] = "train.jsonl";
        if (d.Elicit.Count > 0) files[Splits.Elicit] = "elicit.jsonl";
        return files;
    }

    /// <summary>The tokenizer corpus: chats rendered with the chat template (prompts and full conversations),
    /// documents as raw text followed by the end-of-text token.</summary>
    public static IEnumerable<string> Corpus(IEnumerable<DatasetItem> items)
    {
        foreach (var item in items)
        {
            if (TrainingItems.IsDocument(item)) { yield return item.Response + ChatMl.EndOfText; continue; }
            yield return ChatMl.Render(TrainingItems.Conversation(item), ChatRenderOptions.Complete);
            if (item.NeutralMessages is not null) yield return ChatMl.Render(item.NeutralMessages, ChatRenderOptions.Generation);
            if (item.TrueAnswer is not null) yield return item.TrueAnswer;
            if (item.DishonestAnswer is not null) yield return item.DishonestAnswer;
        }
    }
}
