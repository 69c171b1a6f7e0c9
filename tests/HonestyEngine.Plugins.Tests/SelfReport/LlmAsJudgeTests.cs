using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.SelfReport;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.SelfReport;

public class LlmAsJudgeTests
{
    [Fact]
    public void The_honest_base_model_judges_and_separates_lies()
    {
        var h = new Harness();
        var (labelled, blind) = h.Transcripts();
        var scores = new LlmAsJudge().Score(h.DetectorContext(), blind);
        Assert.Empty(h.Model.ContinuationLog); // not the testbed model
        var judge = (SyntheticModel)h.Testbed.OpenBaseModel()!;
        Assert.Equal(blind.Count, judge.ContinuationLog.Count);
        Assert.True(Harness.EvalAuroc(labelled, scores) >= 0.75);
    }

    [Fact]
    public void A_testbed_without_a_base_model_fails_with_a_clear_error()
    {
        var h = new Harness(new SyntheticTestbed(withBase: false));
        var (_, blind) = h.Transcripts();
        var e = Assert.Throws<MethodInputException>(() => new LlmAsJudge().Score(h.DetectorContext(), blind));
        Assert.Contains("no base model", e.Message);
        SelfReportTestData.FailsWithoutResponse(new LlmAsJudge());
    }
}
