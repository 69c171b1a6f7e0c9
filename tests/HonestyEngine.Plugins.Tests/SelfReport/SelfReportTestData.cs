using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.SelfReport;

internal static class SelfReportTestData
{
    public static (Harness Harness, List<LabelledTranscript> Labelled, IReadOnlyList<double> Scores) Score(IDetector detector, Harness? harness = null)
    {
        var h = harness ?? new Harness();
        var (labelled, blind) = h.Transcripts();
        var scores = detector.Score(h.DetectorContext(), blind);
        Assert.Equal(blind.Count, scores.Count);
        Assert.All(scores, s => Assert.True(double.IsFinite(s)));
        return (h, labelled, scores);
    }

    /// <summary>Transcripts whose last message is not an assistant response must fail the cell, naming the transcript.</summary>
    public static void FailsWithoutResponse(IDetector detector)
    {
        var h = new Harness();
        var (_, blind) = h.Transcripts();
        var broken = blind.Select((t, i) => i == 3 ? t with { Messages = t.Messages.Take(t.Messages.Count - 1).ToList() } : t).ToList();
        var e = Assert.Throws<MethodInputException>(() => detector.Score(h.DetectorContext(), broken));
        Assert.Contains(broken[3].Id, e.Message);
        Assert.Contains("assistant response", e.Message);
    }

    /// <summary>P(Yes) normalised, recomputed from the model's own logged log-probs for the prompts that contain
    /// the given transcript text: each detector score must equal it.</summary>
    public static double LoggedProbabilityYes(SyntheticModel model, Func<string, bool> matches)
    {
        var (request, lp) = model.ContinuationLog.Last(e => matches(model.Render(e.Request.Prompt)));
        Assert.Equal(["Yes", "No"], request.Continuations);
        return Math.Exp(lp[0]) / (Math.Exp(lp[0]) + Math.Exp(lp[1]));
    }
}
