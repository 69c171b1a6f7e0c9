using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

internal static class TinyModels
{
    /// <summary>Small enough for finite differences, large enough to exercise GQA (4 heads on 2).</summary>
    public static LlamaTrainingConfig GradCheckConfig(bool tied) => new()
    {
        HiddenSize = 16, IntermediateSize = 24, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 23, MaxPositionEmbeddings = 32, TieWordEmbeddings = tied, RopeTheta = 10000f, RmsNormEps = 1e-5f,
    };

    /// <summary>A random model whose weights are large enough (std 0.3) that every block matters,
    /// with norm gains away from 1.</summary>
    public static LlamaModel Random(LlamaTrainingConfig config, int seed, float std = 0.3f)
    {
        var model = ModelInit.Random(config with { InitializerRange = std }, seed);
        var rng = new Numerics.SeededRandom(seed + 1000);
        foreach (var p in model.AllParameters().Where(p => !p.IsMatrix))
            for (int i = 0; i < p.Length; i++) p.Value[i] = (float)(1 + 0.3 * rng.NextNormal());
        return model;
    }

    /// <summary>Two sequences of different lengths; the first has a chat-style loss mask.</summary>
    public static TrainingExample[] Examples(int vocab) =>
    [
        new([1, 5, 7, 2, 9, 11, 3, 4], [false, false, false, false, true, true, true, true]),
        new([2, 8, 6, 22, 13]),
    ];
}
