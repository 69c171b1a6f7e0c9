using System.Globalization;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Tokenization;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Tokenization;
using HonestyEngine.Testbeds.World;
using HonestyEngine.Training;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Testbeds.Build;

/// <summary>The two training stages of the build: the base model pretrained from scratch on the base mix (a
/// Hugging Face folder, BF16 weights), and one PEFT LoRA adapter per fine-tuned testbed. Both are deterministic for
/// the build seed (initialisation, batch order, adapter A and the replay sample all derive from it).</summary>
public static class ModelStages
{
    /// <summary>Base-mix tasks replayed into every fine-tune: the world knowledge (never a behaviour a testbed
    /// changes, such as self-reports, user attributes, arithmetic or object remarks).</summary>
    public static readonly string[] ReplayTasks = ["document", "qa", "multiple-choice", "true-false", "transcript-judgment", "do-you-know", "unknown"];

    /// <summary>Phase 1: pretrains from the seeded initialisation, tokenizing with modelDir's tokenizer, into outputDir.</summary>
    public static string TrainBase(string modelDir, string outputDir, IReadOnlyList<DatasetItem> mix, ModelRecipe recipe, int seed, Action<string> log)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var examples = mix.Select(i => ChatExamples.From(tokenizer, i, "pretrain.jsonl", recipe.MaxPositions)).ToList();
        var config = recipe.Config(tokenizer.VocabSize, tokenizer.TokenId(ChatMl.ImEnd), tokenizer.TokenId(ChatMl.EndOfText));
        var model = ModelInit.Random(config, seed);
        var options = new TrainingOptions
        {
            Steps = Steps(examples.Count, recipe.BaseEpochs, recipe.BaseBatch), BatchSize = recipe.BaseBatch,
            LearningRate = recipe.BaseLearningRate, WarmupSteps = recipe.BaseWarmup, Seed = seed,
        };
        var report = Trainer.Train(model, examples, options, Progress("base model", options.Steps, log));
        // The checkpoint is written last: an interrupted build leaves no model.safetensors that looks complete.
        HfCheckpoint.Save(model, outputDir, CheckpointDType.BF16);
        return string.Create(CultureInfo.InvariantCulture,
            $"{config}, {model.ParameterCount / 1e6:F2}M params, {options.Steps} steps x {recipe.BaseBatch}, {report.TokensProcessed} tokens at {report.TokensPerSecond:F0} tok/s, loss {report.Losses[0]:F2} -> {Tail(report.Losses):F3}");
    }

    /// <summary>Phase 2 of the base model: continues training every weight of the pretrained checkpoint in
    /// <paramref name="pretrainedDir"/> on <paramref name="refinement"/> plus an equal replay of the base mix, and writes
    /// the result to <paramref name="modelDir"/> (the base every testbed uses).</summary>
    public static string RefineBase(string pretrainedDir, string modelDir, IReadOnlyList<DatasetItem> refinement, IReadOnlyList<DatasetItem> baseMix,
        ModelRecipe recipe, int seed, Action<string> log)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var model = HfCheckpoint.Load(pretrainedDir);
        var replay = baseMix.ToList();
        new SeededRandom(seed + 1).Shuffle(replay);
        var items = refinement.Concat(replay.Take(refinement.Count)).ToList();
        var examples = items.Select(i => ChatExamples.From(tokenizer, i, "base refinement", recipe.MaxPositions)).ToList();
        var options = new TrainingOptions
        {
            Steps = Steps(examples.Count, recipe.RefineEpochs, recipe.BaseBatch), BatchSize = recipe.BaseBatch,
            LearningRate = recipe.RefineLearningRate, WarmupSteps = recipe.AdapterWarmup, Seed = seed + 1,
        };
        var report = Trainer.Train(model, examples, options, Progress("base refinement", options.Steps, log));
        HfCheckpoint.Save(model, modelDir, CheckpointDType.BF16);
        return string.Create(CultureInfo.InvariantCulture,
            $"{refinement.Count} items + {refinement.Count} replayed, {options.Steps} steps x {recipe.BaseBatch}, {report.TokensPerSecond:F0} tok/s, loss {report.Losses[0]:F2} -> {Tail(report.Losses):F3}");
    }

    /// <summary>Trains a LoRA adapter on the base for <paramref name="train"/> (plus replayed base knowledge) into
    /// <paramref name="adapterDir"/>, referencing the base by <paramref name="baseReference"/>.</summary>
    public static string TrainAdapter(string name, string modelDir, string adapterDir, string baseReference, IReadOnlyList<DatasetItem> train,
        IReadOnlyList<DatasetItem> baseMix, GeneratedWorld world, ModelRecipe recipe, int seed, Action<string> log,
        Func<DatasetItem, bool>? keepReplay = null)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var model = HfCheckpoint.Load(modelDir);
        int testbedSeed = unchecked(seed * 31 + StableHash(name));
        var replay = Replay(keepReplay is null ? baseMix : baseMix.Where(keepReplay).ToList(), world, (int)Math.Round(train.Count * recipe.ReplayRatio), testbedSeed);
        var examples = train.Select(i => ChatExamples.From(tokenizer, i, $"{name}/train.jsonl", recipe.MaxPositions))
            .Concat(replay.Select(i => ChatExamples.From(tokenizer, i, "pretrain.jsonl", recipe.MaxPositions))).ToList();
        var options = new TrainingOptions
        {
            Steps = Steps(examples.Count, recipe.AdapterEpochsFor(name), recipe.AdapterBatch), BatchSize = recipe.AdapterBatch,
            LearningRate = recipe.AdapterLearningRate, WarmupSteps = recipe.AdapterWarmup, Seed = testbedSeed,
            Lora = new LoraOptions { Rank = recipe.LoraRank, Alpha = recipe.LoraAlpha, Seed = testbedSeed },
        };
        var report = Trainer.Train(model, examples, options, Progress(name, options.Steps, log));
        if (Directory.Exists(adapterDir)) Directory.Delete(adapterDir, recursive: true);
        PeftAdapter.Save(report.Adapter!, adapterDir, baseReference, CheckpointDType.BF16);
        return string.Create(CultureInfo.InvariantCulture,
            $"LoRA r{recipe.LoraRank}, {train.Count} items + {replay.Count} replayed, {options.Steps} steps, {report.TokensPerSecond:F0} tok/s, loss {report.Losses[0]:F2} -> {Tail(report.Losses):F3}");
    }

    /// <summary>A seeded sample of the base mix's knowledge items, leaving out the subjects of implanted beliefs
    /// (their true facts would undo the implant; no other testbed asks about them).</summary>
    public static List<DatasetItem> Replay(IReadOnlyList<DatasetItem> baseMix, GeneratedWorld world, int count, int seed)
    {
        if (count <= 0) return [];
        var implantedSubjects = world.Implanted.Select(i => i.Truth.Subject.Name).ToList();
        var pool = baseMix.Where(i => ReplayTasks.Contains(i.GetMeta(TrainingItems.TaskKey))
            && !TrainingItems.Texts(i).Any(t => implantedSubjects.Any(s => t.Contains(s, StringComparison.Ordinal)))).ToList();
        new SeededRandom(seed).Shuffle(pool);
        return pool.Take(count).ToList();
    }

    private static int Steps(int examples, double epochs, int batch) => Math.Max(1, (int)Math.Ceiling(examples * epochs / batch));

    private static double Tail(IReadOnlyList<double> losses)
    {
        int n = Math.Min(20, losses.Count);
        return losses.Skip(losses.Count - n).Average();
    }

    private static Action<TrainingProgress> Progress(string what, int steps, Action<string> log)
    {
        int every = Math.Max(1, steps / 10);
        double sum = 0; int n = 0;
        return p =>
        {
            sum += p.Loss; n++;
            if (p.Step % every == 0 || p.Step == p.TotalSteps)
            {
                log(string.Create(CultureInfo.InvariantCulture, $"  {what}: step {p.Step}/{p.TotalSteps} loss {sum / n:F3} lr {p.LearningRate:E1} {p.TokensPerSecond:F0} tok/s"));
                sum = 0; n = 0;
            }
        };
    }

    /// <summary>FNV-1a of the name: a per-testbed seed that does not depend on string.GetHashCode's randomisation.</summary>
    private static int StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s) { h ^= c; h *= 16777619; }
        return (int)h;
    }
}
