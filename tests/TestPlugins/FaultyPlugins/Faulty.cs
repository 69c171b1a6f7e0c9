using HonestyEngine.Abstractions;

namespace FaultyPlugins;

[Method("Throws", Family = "test/faulty")]
public sealed class Throws : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) =>
        throw new InvalidOperationException("deliberate failure in Throws");
}

/// <summary>Ignores cancellation entirely: the host must abandon it after its budget.</summary>
[Method("Hangs", Family = "test/faulty", TimeBudgetSeconds = 1)]
public sealed class Hangs : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        Thread.Sleep(Timeout.Infinite);
        return [];
    }
}

[Method("ReturnsNaN", Family = "test/faulty")]
public sealed class ReturnsNaN : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) =>
        transcripts.Select((t, i) => i == 3 ? double.NaN : t.Response.Length).ToList();
}

[Method("WrongCount", Family = "test/faulty")]
public sealed class WrongCount : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) =>
        transcripts.Skip(1).Select(t => (double)t.Response.Length).ToList();
}

[Method("UnknownItem", Family = "test/faulty")]
public sealed class UnknownItem : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items) =>
        [new InterventionOutcome("no-such-item", ["T0"])];
}

/// <summary>Its static constructor throws: the cell's error must show the inner message, not only "The type
/// initializer for ... threw an exception".</summary>
[Method("StaticInitThrows", Family = "test/faulty")]
public sealed class StaticInitThrows : IDetector
{
    private static readonly double[] Weights = Load();
    private static double[] Load() => throw new InvalidOperationException("weights table static-init.bin is missing");
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) => transcripts.Select(_ => Weights[0]).ToList();
}

/// <summary>Marked but implements no method interface: a warning in `honesty list`, not a crash.</summary>
[Method("NotAMethod", Family = "test/faulty")]
public sealed class NotAMethod;
