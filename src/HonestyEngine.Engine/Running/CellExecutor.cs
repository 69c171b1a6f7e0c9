using System.Diagnostics;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>Executes one cell: builds its context, calls the method under its time budget, checks what came back
/// and turns it into samples. Anything wrong (an exception, the wrong number of scores, NaN/Inf, an unknown item
/// id, a timeout) fails only this cell, with the error recorded. Methods get views of the host's data
/// (<see cref="MethodViews"/>), never the testbed, its items or its labels.</summary>
internal sealed class CellExecutor(HostServices host, RunOptions options, IReadOnlyList<ITestbed>? runTestbeds = null)
{
    private readonly IReadOnlyList<ITestbed> _runTestbeds = runTestbeds ?? [];
    private readonly string _runTestbedsKey = RunTestbedList.KeyOf(runTestbeds ?? []);

    public CellOutcome Execute(MatrixCell cell, TestbedFingerprint fingerprint, Func<ModelRun> modelRun, string methodCacheDir, CancellationToken runToken)
    {
        var log = new List<string>();
        void Log(string line) { lock (log) log.Add(line); }
        var variant = cell.Variant;
        var kind = variant.Method.Kind;

        if (kind == MethodKind.Elicitor && !fingerprint.HasElicitSplit)
            return CellOutcome.Skipped($"testbed '{cell.TestbedName}' has no '{Splits.Elicit}' split (nothing to elicit).", log);
        if (kind == MethodKind.Intervention && fingerprint.Eval.Count == 0)
            return CellOutcome.Skipped($"testbed '{cell.TestbedName}' has no '{Splits.Eval}' items.", log);

        if (variant.Method.IsReference && cell.Testbed is Hosting.ITestbedServices)
            return CellOutcome.Skipped($"testbed '{cell.TestbedName}' holds imported activations, not transcripts: reference rows need the model's responses.", log);
        if (variant.Method.Name == Results.ReferenceRows.TriggerOracle && variant.Method.IsReference && fingerprint.Eval.All(i => ItemFacts.Trigger(i) is null))
            return CellOutcome.Skipped($"testbed '{cell.TestbedName}' marks no eval item's trigger (meta \"trigger\"), so there is no trigger to read.", log);

        var budget = variant.Method.Attribute.TimeBudgetSeconds > 0 ? TimeSpan.FromSeconds(variant.Method.Attribute.TimeBudgetSeconds) : options.DefaultTimeBudget;
        var clock = Stopwatch.StartNew();
        // The cell's context carries its own tracker of whether RunTestbeds was read, over the run's other testbeds.
        var cellTestbeds = RunTestbedList.ForCell(_runTestbeds, _runTestbedsKey, cell.Testbed);
        string? ReadKey() => cellTestbeds.WasRead ? cellTestbeds.Key : null;
        try
        {
            ModelRun? run = kind == MethodKind.Elicitor ? null : modelRun();
            var samples = TimeBudget.Run(token => variant.Method.IsReference ? ReferenceRowCells.Run(cell, modelRun, fingerprint, options, token) : kind switch
            {
                MethodKind.Detector => RunDetector(cell, run!, methodCacheDir, cellTestbeds, token, Log),
                MethodKind.Intervention => RunIntervention(cell, run!, fingerprint, methodCacheDir, cellTestbeds, token, Log),
                MethodKind.Elicitor => RunElicitor(cell, fingerprint, methodCacheDir, cellTestbeds, token, Log),
                _ => throw new InvalidOperationException($"Unknown method kind {kind}."),
            }, budget, runToken);
            return new CellOutcome(CellStatus.Ok, null, samples, clock.Elapsed.TotalSeconds, log) { RunTestbedsKey = ReadKey() };
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            Log(e.ToString());
            return CellOutcome.Failed(Describe(e), clock.Elapsed.TotalSeconds, log) with { RunTestbedsKey = ReadKey() };
        }
    }

    /// <summary>A one-line error for results.json; the full stack trace stays in the cell's log.</summary>
    internal static string Describe(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or AggregateException or TypeInitializationException && e.InnerException is not null) e = e.InnerException;
        return e switch
        {
            TimeBudget.ExceededException => e.Message,
            CellResultException => e.Message,
            ModelRunException => e.Message,
            MethodInputException => $"invalid input: {e.Message}",
            OperationCanceledException => "cancelled.",
            _ => $"threw {e.GetType().Name}: {e.Message}",
        };
    }

    private MethodContext Context(MatrixCell cell, string cacheDir, RunTestbedList testbeds, CancellationToken token, Action<string> log, IReadOnlyDictionary<string, int>? privileged = null)
    {
        Directory.CreateDirectory(cacheDir);
        // A testbed of imported activations serves its own rows and training data in place of the host's.
        var (resources, activations) = cell.Testbed is Hosting.ITestbedServices own
            ? (own.ResourcesOver(host.Resources), own.Activations)
            : (host.Resources, host.Activations);
        var testbed = MethodViews.ToMethod(cell.Testbed);
        if (privileged is null)
            return new MethodContext
            {
                Testbed = testbed, Services = cell.Variant.Method.Services, Resources = resources, Compute = host.Compute,
                Activations = activations, Seed = options.Seed, Profile = options.Profile, SamplesPerItem = options.EffectiveSamplesPerItem,
                CacheDirectory = cacheDir, CancellationToken = token, Log = log, RunTestbeds = testbeds,
            };
        return new DetectorContext
        {
            Testbed = testbed, Services = cell.Variant.Method.Services, Resources = resources, Compute = host.Compute,
            Activations = activations, Seed = options.Seed, Profile = options.Profile, SamplesPerItem = options.EffectiveSamplesPerItem,
            CacheDirectory = cacheDir, CancellationToken = token, Log = log, PrivilegedLabels = privileged, RunTestbeds = testbeds,
        };
    }

    private List<SampleRecord> RunDetector(MatrixCell cell, ModelRun run, string cacheDir, RunTestbedList testbeds, CancellationToken token, Action<string> log)
    {
        bool privileged = cell.Variant.Method.RequiresPrivilegedLabels;
        var labels = privileged
            ? run.Eval.Where(t => t.Label is not null).ToDictionary(t => t.Id, t => t.Label!.Value)
            : new Dictionary<string, int>();
        var context = (DetectorContext)Context(cell, cacheDir, testbeds, token, log, labels);
        var all = run.Eval.Concat(run.Control).Concat(run.Counterfactual).ToList();
        // Labels are ground truth: a detector sees them only through PrivilegedLabels, and only if it is privileged.
        var visible = all.Select(MethodViews.ToMethod).ToList();
        var detector = (IDetector)cell.Variant.CreateInstance();
        var scores = detector.Score(context, visible)
            ?? throw new CellResultException("returned null instead of scores.");
        if (scores.Count != all.Count)
            throw new CellResultException($"returned {scores.Count} scores for {all.Count} transcripts ({run.Eval.Count} eval + {run.Control.Count} control + " +
                $"{run.Counterfactual.Count} counterfactual); expected one per transcript.");
        for (int i = 0; i < all.Count; i++)
            if (!double.IsFinite(scores[i]))
                throw new CellResultException($"returned a non-finite score ({scores[i]}) for {all[i].Split} transcript '{all[i].Id}'.");
        return SampleBuilder.Detector(cell, all, scores);
    }

    private List<SampleRecord> RunIntervention(MatrixCell cell, ModelRun run, TestbedFingerprint fingerprint, string cacheDir, RunTestbedList testbeds, CancellationToken token, Action<string> log)
    {
        var items = fingerprint.Eval;
        var context = Context(cell, cacheDir, testbeds, token, log);
        var intervention = (IIntervention)cell.Variant.CreateInstance();
        var outcomes = intervention.Run(context, items.Select(MethodViews.ToMethod).ToList()) ?? throw new CellResultException("returned null instead of outcomes.");
        var byId = OneOutcomePerItem(outcomes, o => o?.ItemId, items, "outcome");
        foreach (var item in items)
        {
            var responses = byId[item.Id].Responses;
            if (responses is null || responses.Count == 0)
                throw new CellResultException($"returned no responses for item '{item.Id}'.");
            if (responses.Any(r => r is null)) throw new CellResultException($"returned a null response for item '{item.Id}'.");
        }
        return SampleBuilder.Intervention(cell, items, id => byId[id].Responses, run);
    }

    private List<SampleRecord> RunElicitor(MatrixCell cell, TestbedFingerprint fingerprint, string cacheDir, RunTestbedList testbeds, CancellationToken token, Action<string> log)
    {
        var items = fingerprint.Elicit;
        var context = Context(cell, cacheDir, testbeds, token, log);
        var elicitor = (IElicitor)cell.Variant.CreateInstance();
        var outcomes = elicitor.Elicit(context, items.Select(MethodViews.ToMethod).ToList()) ?? throw new CellResultException("returned null instead of outcomes.");
        var byId = OneOutcomePerItem(outcomes, o => o?.ItemId, items, "elicitation outcome");
        return SampleBuilder.Elicitor(cell, items, id => (byId[id].Guesses, byId[id].Evidence));
    }

    private static Dictionary<string, T> OneOutcomePerItem<T>(IReadOnlyList<T> outcomes, Func<T, string?> id, IReadOnlyList<DatasetItem> items, string what)
    {
        var known = items.Select(i => i.Id).ToHashSet();
        var byId = new Dictionary<string, T>();
        foreach (var o in outcomes)
        {
            var itemId = id(o) ?? throw new CellResultException($"returned a null {what}.");
            if (!known.Contains(itemId)) throw new CellResultException($"returned an {what} for unknown item '{itemId}'.");
            if (!byId.TryAdd(itemId, o)) throw new CellResultException($"returned two {what}s for item '{itemId}'.");
        }
        var missing = items.Where(i => !byId.ContainsKey(i.Id)).Select(i => i.Id).ToList();
        if (missing.Count > 0)
            throw new CellResultException($"returned no {what} for {missing.Count} of {items.Count} items (first: '{missing[0]}').");
        return byId;
    }
}

/// <summary>A method returned something the host cannot use.</summary>
internal sealed class CellResultException(string message) : Exception(message);

/// <summary>The model-run stage of the cell's testbed failed.</summary>
internal sealed class ModelRunException(string message, Exception inner) : Exception(message, inner);
