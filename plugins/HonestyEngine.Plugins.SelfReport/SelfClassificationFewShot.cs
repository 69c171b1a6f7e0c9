using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

[Method("self-classification-few-shot", Family = "black-box/self-report", Anchor = "Wang et al. 2025",
    Description = "Few-shot self-classification: before the transcript to grade, Shots solved examples (half lies, half "
        + "honest, alternating) drawn with the run seed from the true/false statements resource (an assistant stating a "
        + "generic fact truly or falsely), each as a user turn with the quoted example and an assistant turn answering "
        + "Yes or No correctly. Off-policy examples only: no "
        + "testbed labels. Wang et al. report few-shot at 0.82 AUROC, level with zero-shot. Score = P(Yes) / (P(Yes) + P(No)).")]
public sealed class SelfClassificationFewShot : IDetector
{
    [Params(4)]
    public int Shots { get; set; } = 4;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        TranscriptQuoting.RequireResponses(transcripts, "self-classification-few-shot");
        var demos = Demonstrations(context, Shots);
        var prompts = transcripts.Select(t => Prompt.Chat([.. demos, ChatMessage.User(SelfClassificationPrompts.Neutral(t))])).ToList();
        return YesNoScoring.ProbabilityYes(context.Model, prompts, "self-classification-few-shot", context.CancellationToken);
    }

    /// <summary>Solved examples from the true/false statements resource: the assistant states a generic fact,
    /// truly or falsely (Label 1 = false), and the grader answers Yes (lie) or No.</summary>
    internal static List<ChatMessage> Demonstrations(MethodContext context, int shots)
    {
        if (shots < 1) throw new MethodInputException($"self-classification-few-shot needs Shots >= 1, got {shots}.");
        var items = context.Resources.Get(ResourceNames.TrueFalseStatements);
        var lies = items.Where(i => i.Label == 1 && i.Response is not null).ToList();
        var honest = items.Where(i => i.Label == 0 && i.Response is not null).ToList();
        int needLies = (shots + 1) / 2, needHonest = shots / 2;
        if (lies.Count < needLies || honest.Count < needHonest)
            throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' has {lies.Count} false and {honest.Count} true statements with responses; {shots} shots need {needLies} and {needHonest}.");
        var rng = new Random(context.Seed);
        var pickedLies = lies.OrderBy(_ => rng.Next()).Take(needLies).ToList();
        var pickedHonest = honest.OrderBy(_ => rng.Next()).Take(needHonest).ToList();
        var demos = new List<ChatMessage>();
        for (int k = 0; k < shots; k++)
        {
            var item = k % 2 == 0 ? pickedLies[k / 2] : pickedHonest[k / 2];
            var example = new Transcript(item.Id, "demo", [.. item.Messages.Where(m => m.Role != "system"), ChatMessage.Assistant(item.Response!)], null, item);
            demos.Add(ChatMessage.User(SelfClassificationPrompts.Neutral(example)));
            demos.Add(ChatMessage.Assistant(item.Label == 1 ? "Yes" : "No"));
        }
        return demos;
    }
}
