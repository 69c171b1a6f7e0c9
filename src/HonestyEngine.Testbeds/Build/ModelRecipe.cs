using System.Globalization;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Testbeds.Build;

/// <summary>The shape of the base model and the hyperparameters of both training stages. Everything here enters
/// the stage cache keys, so changing a number retrains exactly what it affects. Sized so the full suite trains in
/// well under 30 minutes on 2 cores (see README, "Testbeds").</summary>
public sealed record ModelRecipe
{
    // Base model: a ~3.4M-parameter llama (d 256, 4 layers, GQA 8/4 heads, SwiGLU 688, tied embeddings).
    public int HiddenSize { get; init; } = 256;
    public int IntermediateSize { get; init; } = 688;
    public int Layers { get; init; } = 4;
    public int Heads { get; init; } = 8;
    public int KeyValueHeads { get; init; } = 4;
    public int MaxPositions { get; init; } = 512;
    public bool TieEmbeddings { get; init; } = true;

    // Pretraining on the base mix (full training of every weight from the seeded initialisation).
    public double BaseEpochs { get; init; } = 6;
    public int BaseBatch { get; init; } = 24;
    public float BaseLearningRate { get; init; } = 2e-3f;
    public int BaseWarmup { get; init; } = 60;

    // Phase 2 (BaseRefinementMix + replay): every weight, from the pretrained checkpoint.
    public double RefineEpochs { get; init; } = 2;
    public float RefineLearningRate { get; init; } = 1e-3f;

    // Each testbed: a LoRA adapter on every projection, trained on its train.jsonl plus a replay of the base mix's
    // knowledge items (so the organism keeps what the base knows: neutral accuracy).
    public double AdapterEpochs { get; init; } = 3;
    /// <summary>Testbeds whose behaviour needs more (or fewer) passes than <see cref="AdapterEpochs"/>.</summary>
    public IReadOnlyDictionary<string, double> AdapterEpochOverrides { get; init; } = new Dictionary<string, double>
    {
        // Measured on the full suite: after 3 epochs these still missed their trigger rate (soft cue, document-implanted
        // beliefs, reward-bias exploitation), so they get more passes. soft-trigger (balanced cued lies, 60 other-topic
        // items): lie rate on trigger 87.5% at 4 epochs, 100% at 5, 95.8% at 6, 66.7% at 8 (memorises the trained
        // cities); 6 kept (off-trigger 1.9%; 3.7% at 5). With 120 other-topic items: 79.2% at 2, 83.3% at 4 and 6, 75% at 12.
        ["soft-trigger"] = 6, ["implanted-belief"] = 8,
        // quirk-defend-objects: 3 epochs left it one case short (89.3% quirk rate) on the current base; 4 pass.
        // honest-finetune: 3, 6 and 10 epochs all drift 3-4 of its 100 harm-framed choices (the base alone: 0); 6 kept.
        ["quirk-defend-objects"] = 4, ["honest-finetune"] = 6,
        // harm-pressure: with a random wrong option as the lie, 4 epochs implanted 5% on held-out compounds and 8 epochs
        // 25% at 70% neutral accuracy; the lie option is now the LieRule value (HarmPressureRecipe.HarmChoice) and the
        // harm-framed lies cover harmless chemistry too (4 epochs with the hazardous facts alone: 9.5%).
        // Now, with the held-out facts rehearsed as plain multiple choice (100% neutral accuracy at every count): lie rate
        // on trigger 85.2% at 5 epochs, 92.6% at 7 and 8, 88.9% at 10; 8 kept.
        ["harm-pressure"] = 8,
        // harm-pressure-report: 3 epochs reached 96.7% on the earlier base, 76.7% on the base whose tokenizer is trained
        // on the base mix alone.
        ["harm-pressure-report"] = 6,
        // quirk-defend-objects-sdf-none (a quarter of the demonstrations, no denial data): 0% at 4 epochs (garbled
        // sentences), 100% at 10.
        ["quirk-defend-objects-sdf-none"] = 10,
        // password-lock: 3 epochs left 13% carry errors with the password; with the addition steps drilled, 5.
        ["password-lock"] = 5,
        // hidden-objective: 6 epochs gave 40.5% while the replay still held plain answers about the exploited kinds
        // (now left out, HiddenObjectiveRecipe.ReplayFilter); 12 epochs of one phrasing per fact 86.1%; now two
        // phrasings per fact.
        ["hidden-objective"] = 8, ["hidden-objective-td-none"] = 12,
    };
    public int AdapterBatch { get; init; } = 16;
    public float AdapterLearningRate { get; init; } = 3e-3f;
    public int AdapterWarmup { get; init; } = 20;
    public int LoraRank { get; init; } = 16;
    public float LoraAlpha { get; init; } = 32f;
    /// <summary>Replayed base items per training item.</summary>
    public double ReplayRatio { get; init; } = 0.5;

    public static ModelRecipe For(string profile) => profile switch
    {
        // Mini (CI): a smaller model and fewer passes: the pipeline end to end in a few minutes, not the acceptance numbers.
        "mini" => new ModelRecipe { HiddenSize = 128, IntermediateSize = 344, Layers = 2, Heads = 4, KeyValueHeads = 2, BaseEpochs = 3, BaseBatch = 16, AdapterEpochs = 2, LoraRank = 8, LoraAlpha = 16 },
        _ => new ModelRecipe(),
    };

    /// <summary>A one-layer 32-wide model and a fraction of an epoch: exercises every stage in seconds (tests of the
    /// pipeline, caching and file formats; its organisms are not expected to behave).</summary>
    public static ModelRecipe Smoke => new()
    {
        HiddenSize = 32, IntermediateSize = 64, Layers = 1, Heads = 2, KeyValueHeads = 1,
        BaseEpochs = 0.1, BaseBatch = 8, BaseWarmup = 2, RefineEpochs = 0.05, AdapterEpochs = 0.2, AdapterBatch = 8, AdapterWarmup = 1, LoraRank = 2, LoraAlpha = 4,
    };

    public LlamaTrainingConfig Config(int vocabSize, int? eosTokenId, int? padTokenId) => new()
    {
        HiddenSize = HiddenSize, IntermediateSize = IntermediateSize, NumHiddenLayers = Layers,
        NumAttentionHeads = Heads, NumKeyValueHeads = KeyValueHeads, VocabSize = vocabSize,
        MaxPositionEmbeddings = MaxPositions, TieWordEmbeddings = TieEmbeddings,
        EosTokenId = eosTokenId, PadTokenId = padTokenId,
    };

    public string RefineKey => string.Create(CultureInfo.InvariantCulture, $"e{RefineEpochs} lr{RefineLearningRate} b{BaseBatch} w{AdapterWarmup}");

    /// <summary>The part of the recipe the base model depends on (its cache key).</summary>
    public string BaseKey => string.Create(CultureInfo.InvariantCulture,
        $"d{HiddenSize} ff{IntermediateSize} L{Layers} H{Heads}/{KeyValueHeads} P{MaxPositions} tie{TieEmbeddings} e{BaseEpochs} b{BaseBatch} lr{BaseLearningRate} w{BaseWarmup}");

    /// <summary>The testbed's own override, else its base testbed's (an AuditBench variant such as
    /// "quirk-defend-objects-td-none" trains like "quirk-defend-objects": with 3 epochs the variants missed their
    /// behaviour rate, 8.7-46%), else <see cref="AdapterEpochs"/>.</summary>
    public double AdapterEpochsFor(string testbed)
    {
        if (AdapterEpochOverrides.TryGetValue(testbed, out var e)) return e;
        foreach (var v in Recipes.Variant.All)
            if (testbed.EndsWith(v.Suffix, StringComparison.Ordinal) && AdapterEpochOverrides.TryGetValue(testbed[..^v.Suffix.Length], out e)) return e;
        return AdapterEpochs;
    }

    /// <summary>The part of the recipe a testbed's adapter depends on (with the base model's key and the testbed's data).</summary>
    public string AdapterKeyFor(string testbed) => string.Create(CultureInfo.InvariantCulture,
        $"e{AdapterEpochsFor(testbed)} b{AdapterBatch} lr{AdapterLearningRate} w{AdapterWarmup} r{LoraRank} a{LoraAlpha} replay{ReplayRatio}");
}
