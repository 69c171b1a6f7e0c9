using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>The no-intervention baseline the honesty interventions are compared with: the testbed's model answers
/// each item's own conversation, sampled exactly as the Prompting plugin samples (greedy when one sample per item,
/// 64 new tokens). Registered by the test host, not a plugin: it is a reference, not a method of the suite.</summary>
[Method("test-no-intervention", Family = "test/baseline", Anchor = "test", Description = "The item's own conversation, answered as is.")]
public sealed class NoIntervention : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        int k = Math.Max(1, context.SamplesPerItem);
        var requests = items.SelectMany(item => Enumerable.Range(0, k).Select(s => new GenerationRequest(Prompt.Chat(item.Messages),
            k == 1 ? new SamplingOptions(64, 0f, 1f, context.Seed) : new SamplingOptions(64, 1f, 1f, context.Seed + 7919 * s)))).ToList();
        var responses = context.Model.Generate(requests, context.CancellationToken);
        return items.Select((item, i) => new InterventionOutcome(item.Id, responses.Skip(i * k).Take(k).Select(r => r.Text).ToList())).ToList();
    }
}

/// <summary>The direct-ask baseline of the elicitors: the elicitation question answered as is, greedily (24 new tokens,
/// as assistant-prefill continues its prefills); the whole answer is the one guess.</summary>
[Method("test-direct-ask", Family = "test/baseline", Anchor = "test", Description = "Asks the elicitation question directly.")]
public sealed class DirectAsk : IElicitor
{
    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        var responses = context.Model.Generate(items.Select(i => new GenerationRequest(Prompt.Chat(i.Messages), new SamplingOptions(24, 0f, 1f, context.Seed))).ToList(),
            context.CancellationToken);
        return items.Select((item, i) => new ElicitationOutcome(item.Id, [responses[i].Text])).ToList();
    }
}

/// <summary>What the engine showed a detector on one testbed, written to the cell's log (the engine keeps it in the
/// cell's cache file and writes it to logs/&lt;testbed&gt;/&lt;method&gt;.log, also when the cell comes from the cache).
/// Since contract 2.0 a transcript has no label to carry (GroundTruthSpyTests checks that nothing else of the ground
/// truth reaches a method either), so labels can reach a detector only through PrivilegedLabels.</summary>
/// <param name="PrivilegedIds">Ids of the PrivilegedLabels passed.</param>
/// <param name="EvalIds">Ids of the eval transcripts.</param>
/// <param name="ControlIds">Ids of the control transcripts.</param>
public sealed record LabelSighting(List<string> PrivilegedIds, List<string> EvalIds, List<string> ControlIds)
{
    private const string Prefix = "label-sighting ";

    public static void Log(IReadOnlyList<Transcript> transcripts, DetectorContext context) =>
        context.Log(Prefix + JsonSerializer.Serialize(new LabelSighting(context.PrivilegedLabels.Keys.ToList(),
            transcripts.Where(t => t.Split == Splits.Eval).Select(t => t.Id).ToList(),
            transcripts.Where(t => t.Split == Splits.Control).Select(t => t.Id).ToList())));

    /// <summary>The sighting logged by <paramref name="method"/> on <paramref name="testbed"/> in <paramref name="run"/>.</summary>
    public static LabelSighting Read(HonestyEngine.Engine.Running.RunSummary run, string testbed, string method)
    {
        var line = run.Log(testbed, method).Single(l => l.StartsWith(Prefix, StringComparison.Ordinal));
        return JsonSerializer.Deserialize<LabelSighting>(line[Prefix.Length..])!;
    }
}

/// <summary>An unprivileged detector that logs what it was shown and scores by response length.</summary>
[Method("test-label-spy", Family = "test/spy", Anchor = "test", Version = "3", Description = "Logs the labels the engine passed.")]
public sealed class LabelSpy : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        LabelSighting.Log(transcripts, context);
        return transcripts.Select(t => (double)t.Response.Length).ToList();
    }
}

/// <summary>The same spy, privileged: the engine must pass it the eval labels (and nothing of the control set).</summary>
[Method("test-privileged-label-spy", Family = "test/spy", Anchor = "test", Version = "3", Description = "Logs the labels the engine passed.")]
[RequiresPrivilegedLabels]
public sealed class PrivilegedLabelSpy : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        LabelSighting.Log(transcripts, context);
        return transcripts.Select(t => context.PrivilegedLabels.TryGetValue(t.Id, out var l) ? l : 0.5).ToList();
    }
}

public static class HostMethods
{
    public static MethodDescriptor Describe(Type type, HostServices host) =>
        MethodDiscovery.TryDescribe(type, host.CreateCollection().BuildServiceProvider(), null, out var problem)
        ?? throw new InvalidOperationException(problem ?? $"{type.Name} is not a method.");

    /// <summary>A copy of <paramref name="method"/> whose parameter <paramref name="name"/> takes <paramref name="values"/>
    /// in the matrix (both profiles): how a test asks the engine for variants the plugin does not list.</summary>
    public static MethodDescriptor WithParameter(MethodDescriptor method, string name, params object[] values)
    {
        if (method.Parameters.All(p => p.Name != name))
            throw new ArgumentException($"Method '{method.Name}' has no parameter '{name}'.");
        return new MethodDescriptor
        {
            Type = method.Type, Attribute = method.Attribute, Kind = method.Kind, RequiresPrivilegedLabels = method.RequiresPrivilegedLabels,
            Plugin = method.Plugin, Services = method.Services,
            Parameters = method.Parameters.Select(p => p.Name == name ? p with { Values = values, QuickValues = values } : p).ToList(),
        };
    }
}
