using System.Diagnostics;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;
using HonestyEngine.Training.Optimization;

namespace HonestyEngine.Training;

/// <summary>Trains a <see cref="LlamaModel"/> in place: batches drawn in a seeded shuffled order
/// (reshuffled each epoch), mean token cross-entropy over loss-masked targets, global-norm clipping,
/// AdamW with warmup + cosine. Same seed, same data, same loss curve.</summary>
public static class Trainer
{
    public static TrainingReport Train(LlamaModel model, IEnumerable<TrainingExample> examples, TrainingOptions options,
        Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, IMatMul? matMul = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        options.Validate();
        var data = examples.ToList();
        if (data.Count == 0) throw new ArgumentException("Training needs at least one example.");
        for (int i = 0; i < data.Count; i++)
        {
            if (data[i] is null) throw new ArgumentException($"Training example {i} is null.");
            data[i].Validate(i, model.Config.VocabSize, model.Config.MaxPositionEmbeddings);
            if (data[i].TargetCount == 0)
                throw new ArgumentException($"Training example {i} has no loss targets (its loss mask selects no token after the first).");
        }

        LoraAdapter? adapter = null;
        if (options.Lora is not null)
        {
            adapter = LoraAdapter.Create(model.Config, options.Lora);
            model.AttachLora(adapter);
        }
        else
        {
            model.DetachLora();
            model.TrainAllParameters();
        }
        var trainable = model.TrainableParameters();
        var optimizer = new AdamW(trainable)
        {
            Beta1 = options.Beta1, Beta2 = options.Beta2, Epsilon = options.Epsilon, WeightDecay = options.WeightDecay,
        };
        var compute = new LlamaComputation(model, matMul) { Edits = options.SteeringEdits };
        var order = new BatchOrder(data.Count, options.Seed);
        var losses = new List<double>(options.Steps);
        var norms = new List<double>(options.Steps);
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        var batch = new List<TrainingExample>(options.BatchSize);

        for (int step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            batch.Clear();
            for (int b = 0; b < options.BatchSize; b++) batch.Add(data[order.Next()]);
            var packed = TrainingBatch.Create(batch, model.Config.VocabSize, model.Config.MaxPositionEmbeddings);

            foreach (var p in trainable) p.ZeroGrad();
            double loss = compute.Forward(packed);
            if (!double.IsFinite(loss)) throw new NonFiniteValueException($"non-finite loss ({loss}) at step {step}.");
            compute.Backward();
            double norm = GradientClipping.Clip(trainable, options.ClipNorm);
            float lr = LearningRateSchedule.WarmupCosine(step, options.Steps, options.WarmupSteps, options.LearningRate, options.MinLearningRateRatio);
            optimizer.Step(lr);

            tokens += packed.Rows;
            losses.Add(loss);
            norms.Add(norm);
            progress?.Invoke(new TrainingProgress(step + 1, options.Steps, loss, lr, norm, packed.Rows, tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        if (adapter is not null) foreach (var p in adapter.Parameters()) p.SetTrainable(false);
        else model.FreezeAll();
        return new TrainingReport(losses, norms, tokens, clock.Elapsed, adapter);
    }
}
