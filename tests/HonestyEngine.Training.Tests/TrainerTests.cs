using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

public class TrainerTests
{
    private static readonly LlamaTrainingConfig Small = new()
    {
        HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        VocabSize = 16, MaxPositionEmbeddings = 32,
    };

    /// <summary>Copy task: random tokens 2..15, a separator (1), the same tokens again; only the copy is the loss.</summary>
    private static List<TrainingExample> CopyTask(int count, int length, int seed)
    {
        var rng = new Numerics.SeededRandom(seed);
        var list = new List<TrainingExample>();
        for (int n = 0; n < count; n++)
        {
            var src = Enumerable.Range(0, length).Select(_ => 2 + rng.NextInt(14)).ToArray();
            int[] ids = [.. src, 1, .. src];
            var mask = ids.Select((_, i) => i > length).ToArray();
            list.Add(new TrainingExample(ids, mask));
        }
        return list;
    }

    [Fact]
    public void Full_fine_tuning_overfits_a_copy_task_to_near_zero_loss()
    {
        var model = ModelInit.Random(Small, seed: 1);
        var data = CopyTask(4, 6, seed: 2);
        var report = Trainer.Train(model, data, new TrainingOptions
        {
            Steps = 120, BatchSize = 4, LearningRate = 1e-2f, WarmupSteps = 10, WeightDecay = 0f, Seed = 3,
        });
        Assert.True(report.Losses[0] > 2.0, $"initial loss {report.Losses[0]} should be near ln(16) = 2.77");
        Assert.True(report.Losses[^1] < 0.05, $"final loss {report.Losses[^1]} should be near zero");
        // The trained model really predicts the copies: greedy next tokens at every masked position.
        var compute = new LlamaComputation(model);
        foreach (var ex in data)
        {
            var logits = compute.Logits(ex.TokenIds);
            for (int t = 1; t < ex.TokenIds.Length; t++)
            {
                if (!ex.LossMask![t]) continue;
                var row = logits.AsSpan((t - 1) * 16, 16);
                Assert.Equal(ex.TokenIds[t], row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)));
            }
        }
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var data = CopyTask(6, 5, seed: 4);
        var options = new TrainingOptions { Steps = 8, BatchSize = 3, LearningRate = 3e-3f, WarmupSteps = 2, Seed = 5 };
        var a = ModelInit.Random(Small, seed: 6);
        var b = ModelInit.Random(Small, seed: 6);
        var ra = Trainer.Train(a, data, options);
        var rb = Trainer.Train(b, data, options);
        Assert.Equal(ra.Losses, rb.Losses);
        foreach (var (pa, pb) in a.AllParameters().Zip(b.AllParameters())) Assert.Equal(pa.Value, pb.Value);
        // A different seed draws a different batch order.
        var rc = Trainer.Train(ModelInit.Random(Small, seed: 6), data, options with { Seed = 99 });
        Assert.NotEqual(ra.Losses, rc.Losses);
    }

    [Fact]
    public void Lora_training_changes_only_the_adapter_and_lowers_the_loss()
    {
        var model = ModelInit.Random(Small, seed: 7);
        var before = model.AllParameters().Select(p => (float[])p.Value.Clone()).ToList();
        var data = CopyTask(4, 5, seed: 8);
        var report = Trainer.Train(model, data, new TrainingOptions
        {
            Steps = 60, BatchSize = 4, LearningRate = 2e-2f, Seed = 9, Lora = new LoraOptions { Rank = 4, Alpha = 8, Seed = 10 },
        });
        Assert.NotNull(report.Adapter);
        Assert.Same(report.Adapter, model.Lora);
        foreach (var (p, old) in model.AllParameters().Zip(before)) Assert.Equal(old, p.Value);
        Assert.True(report.Losses[^1] < report.Losses[0] * 0.8, $"LoRA loss {report.Losses[0]} -> {report.Losses[^1]}");
    }

    [Fact]
    public void A_fresh_lora_adapter_with_zero_B_gives_exactly_the_base_logits()
    {
        var model = ModelInit.Random(Small, seed: 11);
        int[] ids = [1, 4, 9, 3, 3, 15, 2];
        var baseLogits = new LlamaComputation(model).Logits(ids);
        var adapter = LoraAdapter.Create(model.Config, new LoraOptions { Rank = 4, Alpha = 8, Seed = 12 });
        Assert.All(adapter.Pairs, p => Assert.All(p.B.Value, v => Assert.Equal(0f, v)));
        Assert.Contains(adapter.Pairs, p => p.A.Value.Any(v => v != 0f));
        model.AttachLora(adapter);
        Assert.Equal(baseLogits, new LlamaComputation(model).Logits(ids));
    }

    [Fact]
    public void Merging_an_adapter_into_the_base_keeps_the_logits()
    {
        var model = ModelInit.Random(Small, seed: 13);
        var adapter = LoraAdapter.Create(model.Config, new LoraOptions { Rank = 2, Alpha = 5, Seed = 14 });
        var rng = new Numerics.SeededRandom(15);
        foreach (var p in adapter.Pairs) for (int i = 0; i < p.B.Length; i++) p.B.Value[i] = (float)(0.05 * rng.NextNormal());
        model.AttachLora(adapter);
        int[] ids = [3, 1, 4, 1, 5, 9, 2, 6];
        var adapted = new LlamaComputation(model).Logits(ids);
        model.MergeLora();
        Assert.Null(model.Lora);
        var merged = new LlamaComputation(model).Logits(ids);
        var baseModel = ModelInit.Random(Small, seed: 13);
        var plain = new LlamaComputation(baseModel).Logits(ids);
        double diff = adapted.Zip(merged).Max(t => Math.Abs(t.First - t.Second));
        double change = adapted.Zip(plain).Max(t => Math.Abs(t.First - t.Second));
        Assert.True(diff < 1e-5, $"merged vs adapted logits differ by {diff}");
        Assert.True(change > 1e-3, "the adapter should change the logits");
    }

    [Fact]
    public void Bad_inputs_get_clear_errors()
    {
        var model = ModelInit.Random(Small, seed: 1);
        var ok = new TrainingExample([1, 2, 3]);
        var e1 = Assert.Throws<ArgumentException>(() => Trainer.Train(model, [new TrainingExample([1, 99, 3])], new TrainingOptions { Steps = 1 }));
        Assert.Contains("token id 99", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Trainer.Train(model, [ok, new TrainingExample([1, 2], [false, false])], new TrainingOptions { Steps = 1 }));
        Assert.Contains("example 1 has no loss targets", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => Trainer.Train(model, [new TrainingExample([1, 2, 3], [true])], new TrainingOptions { Steps = 1 }));
        Assert.Contains("loss mask has 1 entries for 3 tokens", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => Trainer.Train(model, [new TrainingExample(Enumerable.Repeat(2, 40).ToArray())], new TrainingOptions { Steps = 1 }));
        Assert.Contains("max_position_embeddings", e4.Message);
        Assert.Throws<ArgumentException>(() => Trainer.Train(model, [ok], new TrainingOptions { Steps = 0 }));
        Assert.Throws<ArgumentException>(() => Trainer.Train(model, [ok], new TrainingOptions { Lora = new LoraOptions { TargetModules = ["qkv"] } }));
    }

    [Fact]
    public void Divergence_is_reported_not_propagated()
    {
        var model = ModelInit.Random(Small, seed: 1);
        model.Layers[1].DownProj.Value[5] = float.NaN;
        var e = Assert.Throws<NonFiniteValueException>(() => Trainer.Train(model, [new TrainingExample([1, 2, 3, 4])], new TrainingOptions { Steps = 1 }));
        Assert.Contains("non-finite", e.Message);
    }
}
