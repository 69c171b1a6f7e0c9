using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Training.FineTuning;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Lora;

namespace HonestyEngine.Training;

/// <summary>The <see cref="IFineTuner"/> behind <see cref="IModelHandle.FineTune"/>: turns dataset items into
/// loss-masked token sequences, trains a LoRA adapter (or every weight when FullFineTune) with <see cref="Trainer"/>,
/// and opens a new handle over the frozen weights + the new adapter. The handle FineTune is called on is untouched.
/// <list type="bullet">
/// <item>A model that already carries an adapter (every built-in testbed: base + PEFT adapter) is tuned on top of the
/// base with that adapter merged into the frozen weights (<see cref="FrozenBase"/>); the tuned handle is the merged
/// checkpoint + the new adapter.</item>
/// <item><see cref="FineTuneRequest.OutputDirectory"/>: a complete result for the same job there is opened instead of
/// trained (<see cref="FineTuneOutput"/>); otherwise training writes a temporary sibling that is moved into place.</item>
/// <item><see cref="FineTuneRequest.Sources"/>: one adapter trained across several models of one base
/// (<see cref="SharedAdapterTrainer"/>), then opened on this handle's model.</item>
/// </list>
/// Register once at start-up: <c>TrainerFineTuner.Register()</c>.</summary>
public sealed class TrainerFineTuner(string? outputRoot = null) : IFineTuner
{
    /// <summary>Where adapters / tuned checkpoints without an OutputDirectory, and merged testbed checkpoints, are written.</summary>
    public string OutputRoot { get; } = Path.GetFullPath(outputRoot ?? Path.Combine(Path.GetTempPath(), "honesty-finetune"));

    /// <summary>Optimizer steps this tuner has run (all jobs): lets callers and tests see whether a job trained or reused.</summary>
    public long StepsTrained => Interlocked.Read(ref _stepsTrained);
    private long _stepsTrained;

    /// <summary>Sets <see cref="TransformerModelHandle.FineTuner"/> to a tuner writing under <paramref name="outputRoot"/>.</summary>
    public static void Register(string? outputRoot = null) => TransformerModelHandle.FineTuner = new TrainerFineTuner(outputRoot);

    public IModelHandle FineTune(TransformerModelHandle baseHandle, FineTuneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseHandle);
        ArgumentNullException.ThrowIfNull(request);
        CheckTrainable(baseHandle.Info);
        if (!request.FullFineTune && (request.LoraRank <= 0 || !(request.LoraAlpha > 0)))
            throw new MethodInputException($"fine-tune '{request.Name}': LoraRank and LoraAlpha must be positive (got {request.LoraRank}, {request.LoraAlpha}).");
        var edits = new List<AddVectorEdit>();
        foreach (var edit in request.TrainingHooks?.Edits ?? [])
            edits.Add(edit as AddVectorEdit ?? throw new MethodInputException(
                $"fine-tune '{request.Name}': training hooks support add-vector (steering) edits only, got {edit.GetType().Name} on '{edit.Hook}'."));
        var options = new TrainingOptions
        {
            Steps = request.Steps,
            LearningRate = request.LearningRate,
            BatchSize = request.BatchSize,
            Seed = request.Seed,
            SteeringEdits = edits,
            Lora = request.FullFineTune ? null : new LoraOptions { Rank = request.LoraRank, Alpha = request.LoraAlpha, Seed = request.Seed },
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new MethodInputException($"fine-tune '{request.Name}': {e.Message}", e); }

        // The training sets: this handle's data, or one per source model (the shared introspection adapter).
        var jobs = new List<(TransformerModelHandle Handle, List<TrainingExample> Examples)>();
        if (request.Sources is { } sources)
        {
            if (request.FullFineTune) throw new NotSupportedException($"fine-tune '{request.Name}': Sources trains one shared LoRA adapter; FullFineTune cannot be shared across models.");
            if (sources.Count == 0) throw new MethodInputException($"fine-tune '{request.Name}': Sources is empty (no model to train the shared adapter on).");
            for (int s = 0; s < sources.Count; s++)
            {
                var source = sources[s] ?? throw new MethodInputException($"fine-tune '{request.Name}': source {s} is null.");
                var handle = source.Model as TransformerModelHandle ?? throw new NotSupportedException(
                    $"fine-tune '{request.Name}': source {s} ('{source.Model?.Info.Name}') is not a model of this runtime ({source.Model?.GetType().Name}); a shared adapter trains models of one runtime.");
                CheckTrainable(handle.Info);
                if (source.Data is null || source.Data.Count == 0)
                    throw new MethodInputException($"fine-tune '{request.Name}': source {s} ('{handle.Info.Name}') has no training data.");
                if (handle.Info.HiddenSize != baseHandle.Info.HiddenSize || handle.Info.NumLayers != baseHandle.Info.NumLayers || handle.Info.VocabSize != baseHandle.Info.VocabSize)
                    throw new MethodInputException($"fine-tune '{request.Name}': source {s} ('{handle.Info.Name}', d={handle.Info.HiddenSize}, {handle.Info.NumLayers} layers) "
                        + $"does not share a base with '{baseHandle.Info.Name}' (d={baseHandle.Info.HiddenSize}, {baseHandle.Info.NumLayers} layers); one adapter needs models of one base.");
                jobs.Add((handle, source.Data.Select((item, i) => FineTuneExamples.FromItem(handle, item, i, $"{request.Name}/{handle.Info.Name}")).ToList()));
            }
        }
        else
        {
            if (request.Data is null || request.Data.Count == 0)
                throw new MethodInputException($"fine-tune '{request.Name}': the request has no training data.");
            jobs.Add((baseHandle, request.Data.Select((item, i) => FineTuneExamples.FromItem(baseHandle, item, i, request.Name)).ToList()));
        }

        // The frozen weights the result is opened on: this handle's model (+ its adapter merged).
        string frozen = FrozenBase.Folder(baseHandle.Info, OutputRoot);
        string fingerprint = FineTuneOutput.Fingerprint(request,
            jobs.Select(j => (FrozenBase.Key(j.Handle.Info.Path!, j.Handle.Info.AdapterPath), (IReadOnlyList<TrainingExample>)j.Examples))
                .Append((FrozenBase.Key(baseHandle.Info.Path!, baseHandle.Info.AdapterPath), []))
                .ToList());
        string kind = request.FullFineTune ? "full" : "lora";
        if (request.OutputDirectory is { } existing && FineTuneOutput.Complete(existing, fingerprint) is { } manifest
            && manifest["kind"]?.GetValue<string>() == kind)
            return OpenResult(kind, frozen, Path.GetFullPath(existing));

        TrainingReport report;
        Model.LlamaModel? fullModel = null;
        if (request.Sources is not null)
        {
            var models = jobs.Select(j => (FrozenBase.LoadMerged(j.Handle.Info.Path!, j.Handle.Info.AdapterPath), (IReadOnlyList<TrainingExample>)j.Examples)).ToList();
            try { report = SharedAdapterTrainer.Train(models, options, cancellationToken); }
            catch (ArgumentException e) { throw new MethodInputException($"fine-tune '{request.Name}': {e.Message}", e); }
        }
        else
        {
            fullModel = FrozenBase.LoadMerged(baseHandle.Info.Path!, baseHandle.Info.AdapterPath);
            report = Trainer.Train(fullModel, jobs[0].Examples, options, cancellationToken: cancellationToken);
        }
        Interlocked.Add(ref _stepsTrained, report.Losses.Count);

        string target = request.OutputDirectory is { } o ? Path.GetFullPath(o)
            : Path.Combine(OutputRoot, $"{FrozenBase.Safe(request.Name)}-{Guid.NewGuid():N}");
        string temp = FineTuneOutput.TempSibling(target);
        try
        {
            if (report.Adapter is { } adapter) PeftAdapter.Save(adapter, temp, frozen);
            else
            {
                HfCheckpoint.Save(fullModel!, temp);
                FrozenBase.CopyModelSideFiles(baseHandle.Info.Path!, temp);   // tokenizer, chat template, generation config
            }
            FineTuneOutput.Publish(temp, target, fingerprint, kind, new Dictionary<string, string>
            {
                ["name"] = request.Name,
                ["frozen_base"] = frozen,
                ["steps"] = report.Losses.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["final_loss"] = report.Losses[^1].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                ["sources"] = string.Join(", ", jobs.Select(j => j.Handle.Info.AdapterPath ?? j.Handle.Info.Path)),
            });
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, true);
            throw;
        }
        return OpenResult(kind, frozen, target);
    }

    private static IModelHandle OpenResult(string kind, string frozen, string folder) =>
        kind == "lora" ? TransformerModelHandle.Open(frozen, folder) : TransformerModelHandle.Open(folder);

    private static void CheckTrainable(ModelInfo info)
    {
        if (!info.Architecture.Contains("llama", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{info.Name}: fine-tuning supports llama-family checkpoints only; this model's architecture is '{info.Architecture}'.");
        if (info.Path is null) throw new MethodInputException($"{info.Name}: the model has no folder to train from.");
    }
}
