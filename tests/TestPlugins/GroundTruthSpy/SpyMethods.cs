using HonestyEngine.Abstractions;

namespace GroundTruthSpy;

[Method("ground-truth-spy-detector", Family = "test/spy", Anchor = "test", Description = "Records everything it can reach; scores by response length.")]
public sealed class SpyDetector : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        Spy.Record(context, transcripts);
        return transcripts.Select(t => (double)t.Response.Length).ToList();
    }
}

[Method("ground-truth-spy-intervention", Family = "test/spy", Anchor = "test", Description = "Records everything it can reach; answers nothing.")]
public sealed class SpyIntervention : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        Spy.Record(context, items);
        return items.Select(i => new InterventionOutcome(i.Id, ["I do not know."])).ToList();
    }
}

[Method("ground-truth-spy-elicitor", Family = "test/spy", Anchor = "test", Description = "Records everything it can reach; guesses nothing.")]
public sealed class SpyElicitor : IElicitor
{
    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        Spy.Record(context, items);
        return items.Select(i => new ElicitationOutcome(i.Id, ["nothing"])).ToList();
    }
}
