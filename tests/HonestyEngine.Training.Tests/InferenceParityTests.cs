using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

/// <summary>What the trainer saves, the inference runtime loads and runs to the same logits.</summary>
public class InferenceParityTests
{
    private static readonly LlamaTrainingConfig Config = new()
    {
        HiddenSize = 48, IntermediateSize = 96, NumHiddenLayers = 2, NumAttentionHeads = 6, NumKeyValueHeads = 2,
        VocabSize = 40, MaxPositionEmbeddings = 64, BosTokenId = 1, EosTokenId = 2,
    };

    private static readonly int[] Probe = [1, 7, 3, 9, 12, 30, 5, 5, 8, 39, 2, 17, 21];

    private static List<TrainingExample> Data()
    {
        var rng = new Numerics.SeededRandom(3);
        return Enumerable.Range(0, 6).Select(_ => new TrainingExample(Enumerable.Range(0, 20).Select(_ => rng.NextInt(40)).ToArray())).ToList();
    }

    private static void AssertSameLogits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max < 1e-4, $"{what}: max |logit difference| {max:G3} >= 1e-4");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_trained_and_saved_model_gives_the_same_logits_in_the_inference_runtime(bool tied)
    {
        var model = ModelInit.Random(Config with { TieWordEmbeddings = tied }, seed: 1);
        Trainer.Train(model, Data(), new TrainingOptions { Steps = 5, BatchSize = 3, LearningRate = 1e-2f, Seed = 2 });
        var folder = Fixtures.TempFolder("parity");
        HfCheckpoint.Save(model, folder);
        var runtime = TransformerModel.Load(folder);
        var actual = runtime.Forward(runtime.NewCache(), Probe, logits: LogitsMode.All);
        AssertSameLogits(new LlamaComputation(model).Logits(Probe), actual, $"tied={tied}");
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_trained_lora_adapter_gives_the_same_logits_in_the_inference_runtime()
    {
        var model = ModelInit.Random(Config, seed: 4);
        var baseFolder = Fixtures.TempFolder("parity-base");
        HfCheckpoint.Save(model, baseFolder);
        var report = Trainer.Train(model, Data(), new TrainingOptions
        {
            Steps = 5, BatchSize = 3, LearningRate = 2e-2f, Seed = 5, Lora = new LoraOptions { Rank = 4, Alpha = 8, Seed = 6 },
        });
        var adapterFolder = Path.Combine(baseFolder, "adapter");
        PeftAdapter.Save(report.Adapter!, adapterFolder, baseFolder);
        var runtime = TransformerModel.Load(baseFolder, adapterFolder);
        var actual = runtime.Forward(runtime.NewCache(), Probe, logits: LogitsMode.All);
        var expected = new LlamaComputation(model).Logits(Probe);
        AssertSameLogits(expected, actual, "lora");
        // The adapter matters: without it the runtime's logits differ.
        var plain = runtime.Forward(runtime.NewCache(), Probe, logits: LogitsMode.All, useAdapter: false);
        Assert.True(expected.Zip(plain).Max(t => Math.Abs(t.First - t.Second)) > 1e-3);
        Directory.Delete(baseFolder, true);
    }

    [Fact]
    public void Steering_while_training_matches_the_runtime_steering_hook_in_the_forward_pass()
    {
        var model = ModelInit.Random(Config, seed: 7);
        var vector = Enumerable.Range(0, 48).Select(i => MathF.Sin(i) * 0.5f).ToArray();
        var edit = new AddVectorEdit(HookNames.ResidPost(0), vector, 3f, PositionSelector.All);
        var training = new LlamaComputation(model) { Edits = [edit] }.Logits(Probe);
        var folder = Fixtures.TempFolder("parity-steer");
        HfCheckpoint.Save(model, folder);
        var runtime = new Runtime.Inference.InferenceEngine(TransformerModel.Load(folder));
        var result = runtime.Forward(Probe, HookSpec.Editing(edit), returnLogits: true);
        AssertSameLogits(training, result.Logits!.Data, "steered");
        Directory.Delete(folder, true);
    }
}
