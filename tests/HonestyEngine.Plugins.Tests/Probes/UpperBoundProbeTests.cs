using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class UpperBoundProbeTests
{
    private static Dictionary<string, int> EvalLabels(IEnumerable<LabelledTranscript> labelled)
        => labelled.Where(t => t.Split == Splits.Eval && t.Label is not null).ToDictionary(t => t.Id, t => t.Label!.Value);

    [Fact]
    public void Is_marked_privileged_and_says_so_in_its_name()
    {
        Assert.NotNull(typeof(UpperBoundProbe).GetCustomAttributes(typeof(RequiresPrivilegedLabelsAttribute), false).SingleOrDefault());
        var method = (MethodAttribute)typeof(UpperBoundProbe).GetCustomAttributes(typeof(MethodAttribute), false).Single();
        Assert.Contains("upper-bound", method.Name);
    }

    [Fact]
    public void With_privileged_labels_it_separates_planted_lies_with_auroc_at_least_095()
    {
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        var scores = new UpperBoundProbe { LayerFraction = 0.5 }.Score(h.DetectorContext(EvalLabels(labelled)), blind);
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.95, $"AUROC {auroc:F3}");
    }

    [Fact]
    public void Cross_fitting_never_scores_a_transcript_with_a_probe_that_saw_it()
    {
        // With random labels there is nothing to learn. An in-sample probe (24 features, ~48 points) would still fit
        // them almost perfectly; a cross-fitted one must score near chance.
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        var rng = new Random(3);
        var random = labelled.Where(t => t.Split == Splits.Eval).ToDictionary(t => t.Id, _ => rng.Next(2));
        var scores = new UpperBoundProbe().Score(h.DetectorContext(random), blind);
        var evalIdx = Enumerable.Range(0, blind.Count).Where(i => blind[i].Split == Splits.Eval).ToList();
        double auroc = Metrics.Auroc(evalIdx.Select(i => scores[i]).ToList(), evalIdx.Select(i => random[blind[i].Id]).ToList());
        Assert.InRange(auroc, 0.2, 0.75);
    }

    [Fact]
    public void Without_privileged_labels_or_with_too_few_lies_it_fails_cleanly()
    {
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        Assert.Contains("no privileged labels", Assert.Throws<MethodInputException>(() => new UpperBoundProbe().Score(h.DetectorContext(), blind)).Message);
        var oneLie = EvalLabels(labelled);
        foreach (var id in oneLie.Where(kv => kv.Value == 1).Skip(1).Select(kv => kv.Key).ToList()) oneLie.Remove(id);
        Assert.Contains("at least 2 lies", Assert.Throws<MethodInputException>(() => new UpperBoundProbe().Score(h.DetectorContext(oneLie), blind)).Message);
        Assert.Contains("does not exist", Assert.Throws<MethodInputException>(() => new UpperBoundProbe { LayerFraction = 9 }.Score(h.DetectorContext(EvalLabels(labelled)), blind)).Message);
    }
}
