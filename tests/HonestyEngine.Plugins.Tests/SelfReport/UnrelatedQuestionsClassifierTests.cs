using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.SelfReport;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.SelfReport;

public class UnrelatedQuestionsClassifierTests
{
    [Fact]
    public void Trained_on_the_fixed_instructed_pairs_it_transfers_to_the_testbed()
    {
        var (h, labelled, scores) = SelfReportTestData.Score(new UnrelatedQuestionsClassifier { Training = UnrelatedQuestionsClassifier.InstructedPairsTraining });
        Assert.Equal(1, h.Compute.LogisticFits);
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.8, $"AUROC {auroc:F3}");
        // every question was asked after every transcript (and after every training pair), in its own follow-up turn
        int expected = (labelled.Count + 96) * UnrelatedQuestionsClassifier.Questions.Length;
        Assert.Equal(expected, h.Model.ContinuationLog.Count);
    }

    [Fact]
    public void Without_pairs_or_with_one_class_it_fails_cleanly()
    {
        var h = new Harness(resources: new SyntheticResources(only: [ResourceNames.TrueFalseStatements]));
        var (_, blind) = h.Transcripts();
        Assert.Contains(ResourceNames.InstructedPairs, Assert.Throws<MethodInputException>(() => new UnrelatedQuestionsClassifier { Training = "instructed-pairs" }.Score(h.DetectorContext(), blind)).Message);
        var honestOnly = new Probes.FixedResources(ResourceNames.InstructedPairs, SyntheticResources.InstructedPairs(8).Where(i => i.Label == 0).ToList());
        var h2 = new Harness(resources: honestOnly);
        Assert.Contains("0 lies", Assert.Throws<MethodInputException>(() => new UnrelatedQuestionsClassifier { Training = "instructed-pairs" }.Score(h2.DetectorContext(), blind)).Message);
    }
}
