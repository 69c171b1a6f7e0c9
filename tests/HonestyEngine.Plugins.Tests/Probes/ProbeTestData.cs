using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

/// <summary>Shared bad-input scenarios for every probe.</summary>
internal static class ProbeTestData
{
    public static MethodInputException MissingResource(IDetector detector, string resource)
    {
        var others = new SyntheticResources().Names.Where(n => n != resource);
        var h = new Harness(resources: new SyntheticResources(only: others));
        var (_, blind) = h.Transcripts();
        return Assert.Throws<MethodInputException>(() => detector.Score(h.DetectorContext(), blind));
    }

    public static MethodInputException Run(IDetector detector)
    {
        var h = new Harness();
        var (_, blind) = h.Transcripts();
        return Assert.Throws<MethodInputException>(() => detector.Score(h.DetectorContext(), blind));
    }

    public static (Harness Harness, List<LabelledTranscript> Labelled, IReadOnlyList<double> Scores) Score(IDetector detector)
    {
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        var scores = detector.Score(h.DetectorContext(), blind);
        Assert.Equal(blind.Count, scores.Count);
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        return (h, labelled, scores);
    }
}
