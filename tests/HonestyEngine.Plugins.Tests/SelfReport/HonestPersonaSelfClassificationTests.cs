using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.SelfReport;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.SelfReport;

public class HonestPersonaSelfClassificationTests
{
    [Fact]
    public void Fine_tunes_once_on_follow_up_data_and_beats_the_untuned_self_classifier()
    {
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        var detector = new HonestPersonaSelfClassification();
        var tuned = detector.Score(h.DetectorContext(), blind);
        detector.Score(h.DetectorContext(), blind);
        var request = Assert.Single(h.Model.FineTuneRequests);
        Assert.Equal(h.Resources.Get(ResourceNames.HonestyFollowUp), request.Data);

        var plain = new SelfClassification().Score(h.DetectorContext(), blind);
        double tunedAuroc = Harness.EvalAuroc(labelled, tuned), plainAuroc = Harness.EvalAuroc(labelled, plain);
        Assert.True(tunedAuroc > plainAuroc, $"fine-tuned {tunedAuroc:F3} vs untuned {plainAuroc:F3}");
        Assert.True(tunedAuroc >= 0.9, $"AUROC {tunedAuroc:F3}");
    }

    [Fact]
    public void Uses_the_honest_only_marker_and_prefill()
    {
        var h = new Harness();
        var (_, blind) = h.Transcripts();
        new HonestPersonaSelfClassification().Score(h.DetectorContext(), blind.Take(2).ToList());
        // The scores come from the tuned handle, not the testbed model.
        Assert.Empty(h.Model.ContinuationLog);
    }

    [Fact]
    public void Without_follow_up_data_it_fails_naming_the_resource()
    {
        var h = new Harness(resources: new SyntheticResources(only: [ResourceNames.InstructedPairs]));
        var (_, blind) = h.Transcripts();
        var e = Assert.Throws<MethodInputException>(() => new HonestPersonaSelfClassification().Score(h.DetectorContext(), blind));
        Assert.Contains(ResourceNames.HonestyFollowUp, e.Message);
        SelfReportTestData.FailsWithoutResponse(new HonestPersonaSelfClassification());
    }
}
