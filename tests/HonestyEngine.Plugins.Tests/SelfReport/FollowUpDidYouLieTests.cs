using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.SelfReport;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.SelfReport;

public class FollowUpDidYouLieTests
{
    [Fact]
    public void Scores_transcripts_whose_model_assigns_higher_p_yes_higher()
    {
        var (h, labelled, scores) = SelfReportTestData.Score(new FollowUpDidYouLie());
        // Recompute P(Yes) independently from the model for every transcript and compare the rankings pairwise.
        var pYes = labelled.Select(t =>
        {
            var lp = h.Model.ContinuationLogProbs([new ContinuationRequest(Prompt.Chat([.. t.Messages, ChatMessage.User(FollowUpDidYouLie.Question)]), ["Yes", "No"])])[0];
            return lp[0] - lp[1];
        }).ToList();
        for (int i = 0; i < scores.Count; i++)
            for (int j = 0; j < scores.Count; j++)
                if (pYes[i] > pYes[j] + 1e-9) Assert.True(scores[i] > scores[j], $"transcripts {i}, {j}");
        Assert.True(Harness.EvalAuroc(labelled, scores) >= 0.75);
    }

    [Fact]
    public void The_question_is_a_follow_up_turn_of_the_same_conversation()
    {
        var (h, labelled, _) = SelfReportTestData.Score(new FollowUpDidYouLie());
        var prompt = h.Model.ContinuationLog[0].Request.Prompt.Messages!;
        Assert.Equal([.. labelled[0].Messages, ChatMessage.User(FollowUpDidYouLie.Question)], prompt);
    }

    [Fact]
    public void A_transcript_without_a_response_fails_cleanly() => SelfReportTestData.FailsWithoutResponse(new FollowUpDidYouLie());
}
