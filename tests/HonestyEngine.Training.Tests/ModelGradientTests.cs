using HonestyEngine.Abstractions;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

/// <summary>The whole model's backward pass against finite differences of the batch loss, for
/// every parameter tensor: untied and tied heads, LoRA, and training under a steering edit.</summary>
public class ModelGradientTests
{
    private static void CheckAll(LlamaModel model, TrainingBatch batch, IEnumerable<ParameterTensor> parameters, IReadOnlyList<AddVectorEdit>? edits = null)
    {
        var compute = new LlamaComputation(model) { Edits = edits ?? [] };
        foreach (var p in model.TrainableParameters()) p.ZeroGrad();
        double loss = compute.Forward(batch);
        Assert.True(double.IsFinite(loss));
        compute.Backward();
        double Loss() => compute.Forward(batch);
        foreach (var p in parameters)
            GradientCheck.Check(p.Name, p.Value, (float[])p.Grad!.Clone(), Loss, step: 2e-3, tolerance: 5e-3, coordinates: 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_model_gradients_match_finite_differences(bool tied)
    {
        var model = TinyModels.Random(TinyModels.GradCheckConfig(tied), seed: 3);
        model.TrainAllParameters();
        var batch = TrainingBatch.Create(TinyModels.Examples(23), 23, 32);
        CheckAll(model, batch, model.AllParameters().ToList());
    }

    [Fact]
    public void Lora_gradients_match_finite_differences_and_the_base_gets_none()
    {
        var model = TinyModels.Random(TinyModels.GradCheckConfig(false), seed: 4);
        var adapter = LoraAdapter.Create(model.Config, new LoraOptions { Rank = 3, Alpha = 6, Seed = 9 });
        // B = 0 would make dA vanish; give B values so both factors are checked.
        var rng = new Numerics.SeededRandom(77);
        foreach (var pair in adapter.Pairs)
            for (int i = 0; i < pair.B.Length; i++) pair.B.Value[i] = (float)(0.3 * rng.NextNormal());
        model.AttachLora(adapter);
        Assert.All(model.AllParameters(), p => Assert.False(p.Trainable));
        var batch = TrainingBatch.Create(TinyModels.Examples(23), 23, 32);
        CheckAll(model, batch, adapter.Parameters().ToList());
    }

    [Fact]
    public void Gradients_under_a_steering_edit_match_finite_differences()
    {
        var model = TinyModels.Random(TinyModels.GradCheckConfig(false), seed: 5);
        model.TrainAllParameters();
        var vector = GradientCheck.RandomArray(16, 6);
        var edits = new[]
        {
            new AddVectorEdit(HookNames.ResidPost(0), vector, 2f, PositionSelector.All),
            new AddVectorEdit(HookNames.ResidMid(1), vector, -1f, PositionSelector.From(2)),
        };
        var batch = TrainingBatch.Create(TinyModels.Examples(23), 23, 32);
        var selected = new[] { model.Layers[0].QProj, model.Layers[1].DownProj, model.Layers[1].InputLayerNorm, model.EmbedTokens, model.LmHead! };
        CheckAll(model, batch, selected, edits);
        // The edit changes the loss (it is really applied).
        double with = new LlamaComputation(model) { Edits = edits }.Forward(batch);
        double without = new LlamaComputation(model).Forward(batch);
        Assert.True(Math.Abs(with - without) > 1e-3);
    }
}
