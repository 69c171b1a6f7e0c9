using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Lora;

namespace HonestyEngine.Training;

/// <summary>The <see cref="IFineTuner"/> behind <see cref="IModelHandle.FineTune"/>: turns dataset items into
/// loss-masked token sequences, trains a LoRA adapter (or every weight when FullFineTune) with <see cref="Trainer"/>,
/// saves it under <see cref="OutputRoot"/> and opens a new handle over base + adapter. The base handle is untouched.
/// Register once at start-up: <c>TrainerFineTuner.Register()</c>.</summary>
public sealed class TrainerFineTuner(string? outputRoot = null) : IFineTuner
{
    /// <summary>Where adapters / tuned checkpoints are written (one new sub-folder per job).</summary>
    public string OutputRoot { get; } = Path.GetFullPath(outputRoot ?? Path.Combine(Path.GetTempPath(), "honesty-finetune"));

    /// <summary>Sets <see cref="TransformerModelHandle.FineTuner"/> to a tuner writing under <paramref name="outputRoot"/>.</summary>
    public static void Register(string? outputRoot = null) => TransformerModelHandle.FineTuner = new TrainerFineTuner(outputRoot);

    public IModelHandle FineTune(TransformerModelHandle baseHandle, FineTuneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseHandle);
        ArgumentNullException.ThrowIfNull(request);
        var info = baseHandle.Info;
        if (!info.Architecture.Contains("llama", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{info.Name}: fine-tuning supports llama-family checkpoints only; this model's architecture is '{info.Architecture}'.");
        if (info.AdapterPath is not null)
            throw new NotSupportedException($"{info.Name}: fine-tuning a model that already has an adapter ({info.AdapterPath}) is not supported; merge it first.");
        if (info.Path is null) throw new MethodInputException($"{info.Name}: the model has no folder to train from.");
        if (request.Data is null || request.Data.Count == 0)
            throw new MethodInputException($"fine-tune '{request.Name}': the request has no training data.");

        var examples = request.Data.Select((item, i) => FineTuneExamples.FromItem(baseHandle, item, i, request.Name)).ToList();
        var edits = new List<AddVectorEdit>();
        foreach (var edit in request.TrainingHooks?.Edits ?? [])
            edits.Add(edit as AddVectorEdit ?? throw new MethodInputException(
                $"fine-tune '{request.Name}': training hooks support add-vector (steering) edits only, got {edit.GetType().Name} on '{edit.Hook}'."));

        var model = HfCheckpoint.Load(info.Path);
        var options = new TrainingOptions
        {
            Steps = request.Steps,
            LearningRate = request.LearningRate,
            BatchSize = request.BatchSize,
            Seed = request.Seed,
            SteeringEdits = edits,
            Lora = request.FullFineTune ? null : new LoraOptions { Rank = request.LoraRank, Alpha = request.LoraAlpha, Seed = request.Seed },
        };
        if (!request.FullFineTune && (request.LoraRank <= 0 || !(request.LoraAlpha > 0)))
            throw new MethodInputException($"fine-tune '{request.Name}': LoraRank and LoraAlpha must be positive (got {request.LoraRank}, {request.LoraAlpha}).");
        try { options.Validate(); }
        catch (ArgumentException e) { throw new MethodInputException($"fine-tune '{request.Name}': {e.Message}", e); }

        var report = Trainer.Train(model, examples, options, cancellationToken: cancellationToken);

        string safeName = string.Concat(request.Name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        string dir = Path.Combine(OutputRoot, $"{safeName}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        if (report.Adapter is { } adapter)
        {
            PeftAdapter.Save(adapter, dir, info.Path);
            return TransformerModelHandle.Open(info.Path, dir);
        }
        HfCheckpoint.Save(model, dir);
        // The tuned folder needs the base's tokenizer, chat template and generation config to be opened alone.
        foreach (var file in Directory.EnumerateFiles(info.Path))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".safetensors", StringComparison.Ordinal) || name.EndsWith(".safetensors.index.json", StringComparison.Ordinal)) continue;
            string target = Path.Combine(dir, name);
            if (!File.Exists(target)) File.Copy(file, target);
        }
        return TransformerModelHandle.Open(dir);
    }
}
