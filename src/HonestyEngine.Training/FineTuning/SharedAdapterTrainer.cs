using System.Diagnostics;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;
using HonestyEngine.Training.Optimization;

namespace HonestyEngine.Training.FineTuning;

/// <summary>Trains one LoRA adapter shared by several frozen models of the same shape (Shenoy et al.'s introspection
/// adapter: one LoRA across many fine-tunes of one base). Every optimizer step takes one batch from one source model,
/// the sources visited in a seeded order reshuffled every round, so each source gets the same number of steps
/// (within one); the loss, clipping, AdamW and warmup + cosine schedule are <see cref="Trainer"/>'s.</summary>
public static class SharedAdapterTrainer
{
    public static TrainingReport Train(IReadOnlyList<(LlamaModel Model, IReadOnlyList<TrainingExample> Examples)> sources,
        TrainingOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var lora = options.Lora ?? throw new ArgumentException("A shared adapter is a LoRA: TrainingOptions.Lora is required.");
        if (sources.Count == 0) throw new ArgumentException("A shared adapter needs at least one source model.");
        var config = sources[0].Model.Config;
        for (int s = 0; s < sources.Count; s++)
        {
            var c = sources[s].Model.Config;
            if (c.HiddenSize != config.HiddenSize || c.NumHiddenLayers != config.NumHiddenLayers || c.IntermediateSize != config.IntermediateSize
                || c.QueryWidth != config.QueryWidth || c.KeyValueWidth != config.KeyValueWidth)
                throw new ArgumentException($"Source {s} has a different shape from source 0; one adapter needs models of one base.");
            if (sources[s].Examples.Count == 0) throw new ArgumentException($"Source {s} has no training examples.");
            for (int i = 0; i < sources[s].Examples.Count; i++)
            {
                var ex = sources[s].Examples[i];
                try { ex.Validate(i, c.VocabSize, c.MaxPositionEmbeddings); }
                catch (ArgumentException e) { throw new ArgumentException($"Source {s}: {e.Message}", e); }
                if (ex.TargetCount == 0) throw new ArgumentException($"Source {s}, training example {i} has no loss targets.");
            }
        }

        var adapter = LoraAdapter.Create(config, lora);
        var computations = new LlamaComputation[sources.Count];
        var orders = new BatchOrder[sources.Count];
        for (int s = 0; s < sources.Count; s++)
        {
            sources[s].Model.AttachLora(adapter);   // the same A and B objects: every source's gradient lands in them
            computations[s] = new LlamaComputation(sources[s].Model) { Edits = options.SteeringEdits };
            orders[s] = new BatchOrder(sources[s].Examples.Count, options.Seed + 1 + s);
        }
        var trainable = adapter.Parameters().ToList();
        var optimizer = new AdamW(trainable) { Beta1 = options.Beta1, Beta2 = options.Beta2, Epsilon = options.Epsilon, WeightDecay = options.WeightDecay };
        var sourceOrder = new BatchOrder(sources.Count, options.Seed);
        var losses = new List<double>(options.Steps);
        var norms = new List<double>(options.Steps);
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        var batch = new List<TrainingExample>(options.BatchSize);
        try
        {
            for (int step = 0; step < options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int s = sourceOrder.Next();
                var (model, examples) = sources[s];
                batch.Clear();
                for (int b = 0; b < options.BatchSize; b++) batch.Add(examples[orders[s].Next()]);
                var packed = TrainingBatch.Create(batch, model.Config.VocabSize, model.Config.MaxPositionEmbeddings);
                foreach (var p in trainable) p.ZeroGrad();
                double loss = computations[s].Forward(packed);
                if (!double.IsFinite(loss)) throw new NonFiniteValueException($"non-finite loss ({loss}) at step {step} (source {s}).");
                computations[s].Backward();
                double norm = GradientClipping.Clip(trainable, options.ClipNorm);
                optimizer.Step(LearningRateSchedule.WarmupCosine(step, options.Steps, options.WarmupSteps, options.LearningRate, options.MinLearningRateRatio));
                tokens += packed.Rows;
                losses.Add(loss);
                norms.Add(norm);
            }
        }
        finally
        {
            foreach (var (model, _) in sources) model.DetachLora();
            foreach (var p in trainable) p.SetTrainable(false);
        }
        return new TrainingReport(losses, norms, tokens, clock.Elapsed, adapter);
    }
}
