using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

[Method("self-classification", Family = "black-box/self-report", Anchor = "Wang et al. 2025",
    Description = "The testbed model grades its own transcript, quoted (escaped) inside <transcript> tags in a fresh "
        + "conversation, answering whether the final response states something the assistant believes false. Wang et al. "
        + "sample a 0-100 score; we read the answer's probability instead: score = P(Yes) / (P(Yes) + P(No)) from the "
        + "continuation log-probs, which ranks transcripts without sampling noise.")]
public sealed class SelfClassification : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        TranscriptQuoting.RequireResponses(transcripts, "self-classification");
        var prompts = transcripts.Select(t => SelfClassificationPrompts.AsPrompt(SelfClassificationPrompts.Neutral(t))).ToList();
        return YesNoScoring.ProbabilityYes(context.Model, prompts, "self-classification", context.CancellationToken);
    }
}
