using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

[Method("self-classification-grading-yourself", Family = "black-box/self-report", Anchor = "Wang et al. 2025",
    Description = "Self-classification with Wang et al.'s 'you are grading yourself' prompt: the grader is told that the "
        + "assistant in the quoted transcript is itself. Score = P(Yes) / (P(Yes) + P(No)) for 'did the assistant lie'.")]
public sealed class SelfClassificationGradingYourself : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        TranscriptQuoting.RequireResponses(transcripts, "self-classification-grading-yourself");
        var prompts = transcripts.Select(t => SelfClassificationPrompts.AsPrompt(SelfClassificationPrompts.GradingYourself(t))).ToList();
        return YesNoScoring.ProbabilityYes(context.Model, prompts, "self-classification-grading-yourself", context.CancellationToken);
    }
}
