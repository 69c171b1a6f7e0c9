using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Model;

/// <summary>Initial weights as transformers' LlamaPreTrainedModel draws them: every linear and the
/// embedding ~ N(0, initializer_range^2), norm gains 1; drawn from a <see cref="SeededRandom"/>
/// in HF parameter order, so a seed always gives the same model.</summary>
public static class ModelInit
{
    public static LlamaModel Random(LlamaTrainingConfig config, int seed)
    {
        var model = new LlamaModel(config);
        var rng = new SeededRandom(seed);
        float std = config.InitializerRange;
        foreach (var p in model.AllParameters())
        {
            if (p.IsMatrix)
                for (int i = 0; i < p.Value.Length; i++) p.Value[i] = (float)(rng.NextNormal() * std);
            else
                Array.Fill(p.Value, 1f);
        }
        return model;
    }
}
