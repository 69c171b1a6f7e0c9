using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Store;

/// <summary>The activation cache every method reads through (<see cref="IActivationProvider"/>): activations
/// are computed once per (model + adapter, hook, pooling, rendered transcripts) and stored under
/// <c>root/{model}/{hook}/{pooling}-{dataset hash}/</c> as safetensors shards plus index.json
/// (see <see cref="ActivationIndex"/>), which Python's <c>safetensors</c> reads as-is. A rerun, or another
/// method asking for the same activations, reads the shards (memory-mapped) instead of running the model.</summary>
public sealed class ActivationStore : IActivationProvider
{
    private readonly int _batchSize;

    public string Root { get; }

    /// <summary>Forward passes this instance has run (a cache hit runs none).</summary>
    public int ForwardPasses { get; private set; }

    public ActivationStore(string root, int batchSize = 8)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("Activation store root must be a folder path.", nameof(root));
        Root = Path.GetFullPath(root);
        _batchSize = Math.Max(1, batchSize);
    }

    public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last")
    {
        PooledRequests.CheckPooling(pooling);
        var requests = transcripts.Select(t => PooledRequests.ForTranscript(model, t, pooling)).ToList();
        return GetOrCompute(model, requests, transcripts.Select(t => t.Id).ToList(), hook, pooling);
    }

    public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last")
    {
        PooledRequests.CheckPooling(pooling);
        var requests = prompts.Select(p => PooledRequests.ForPrompt(model, p, pooling)).ToList();
        return GetOrCompute(model, requests, Enumerable.Range(0, prompts.Count).Select(i => $"prompt-{i}").ToList(), hook, pooling);
    }

    /// <summary>The folder an activation set for these inputs lives in (whether or not it exists yet).</summary>
    public string DirectoryFor(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last")
    {
        var texts = transcripts.Select(t => PooledRequests.ForTranscript(model, t, pooling).RenderedText);
        return Path.Combine(Root, ActivationKey.For(model.Info, hook, pooling, texts).RelativeDirectory);
    }

    private Tensor GetOrCompute(IModelHandle model, List<PooledRequest> requests, List<string> ids, string hook, string pooling)
    {
        var key = ActivationKey.For(model.Info, hook, pooling, requests.Select(r => r.RenderedText));
        string dir = Path.Combine(Root, key.RelativeDirectory);
        if (File.Exists(Path.Combine(dir, "index.json")))
        {
            var (index, cached) = ActivationSetIO.Read(dir);
            if (index.Rows == requests.Count && index.Hook == hook && index.Pooling == pooling) return cached;
            throw new InvalidDataException($"{Path.Combine(dir, "index.json")}: holds {index.Rows} rows of {index.Hook}/{index.Pooling} " +
                                           $"but {requests.Count} rows of {hook}/{pooling} were expected; delete the folder to recompute.");
        }
        var data = Compute(model, requests, ids, hook);
        var idx = new ActivationIndex
        {
            ModelName = model.Info.Name, ModelPath = model.Info.Path, AdapterPath = model.Info.AdapterPath,
            Hook = hook, Pooling = pooling, DatasetHash = key.DatasetHash, Rows = data.Rows, Dim = data.Shape[1], Ids = ids,
        };
        ActivationSetIO.Write(dir, idx, data);
        return data;
    }

    private Tensor Compute(IModelHandle model, List<PooledRequest> requests, List<string> ids, string hook)
    {
        int d = model.Info.HiddenSize;
        var result = new Tensor([requests.Count, d]);
        for (int start = 0; start < requests.Count; start += _batchSize)
        {
            var batch = requests.Skip(start).Take(_batchSize)
                .Select(r => new ForwardRequest(r.Prompt, HookSpec.Reading(r.Positions, hook))).ToList();
            var outputs = model.Forward(batch);
            ForwardPasses += batch.Count;
            if (outputs.Count != batch.Count)
                throw new InvalidOperationException($"Model '{model.Info.Name}' returned {outputs.Count} results for {batch.Count} forward requests.");
            for (int b = 0; b < batch.Count; b++)
            {
                int row = start + b;
                if (!outputs[b].Activations.TryGetValue(hook, out var act))
                    throw new MethodInputException($"Model '{model.Info.Name}' recorded no activations at hook '{hook}' (is the hook name valid for this model?).");
                if (act.Rank != 2 || act.Shape[1] != d || act.Shape[0] == 0)
                    throw new InvalidOperationException($"Hook '{hook}' returned {act} for '{ids[row]}'; expected [positions >= 1, {d}].");
                Pool(act, result.Row(row));
                int bad = Finite.FirstNonFinite(result.Row(row));
                if (bad >= 0)
                    throw new MethodInputException($"Activations of '{ids[row]}' at '{hook}' contain {Finite.Describe(result.Row(row)[bad])} " +
                                                   $"(row {row}, column {bad}); the model produced non-finite values, nothing was cached.");
            }
        }
        return result;
    }

    /// <summary>Mean over the recorded positions (one position for "last") in double.</summary>
    private static void Pool(Tensor act, Span<float> dest)
    {
        int p = act.Shape[0], d = act.Shape[1];
        if (p == 1) { act.ReadRow(0).CopyTo(dest); return; }
        var acc = new double[d];
        for (int i = 0; i < p; i++)
        {
            var row = act.ReadRow(i);
            for (int j = 0; j < d; j++) acc[j] += row[j];
        }
        for (int j = 0; j < d; j++) dest[j] = (float)(acc[j] / p);
    }
}
