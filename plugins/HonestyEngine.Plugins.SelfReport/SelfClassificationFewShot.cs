using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

[Method("self-classification-few-shot", Family = "black-box/self-report", Anchor = "Wang et al. 2025",
    Version = "2",
    Description = "Few-shot self-classification: before the transcript to grade, Shots solved examples (Shots/2 lies and "
        + "Shots/2 honest, in a seeded random order rather than alternating, which a small model copies as a pattern) drawn "
        + "with the run seed from the true/false statements resource (an assistant stating a "
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
    /// truly or falsely (Label 1 = false), and the grader answers Yes (lie) or No. Balanced (shots / 2 of each) and in
    /// an order shuffled with the run seed: a strictly alternating order is a pattern a small model continues instead
    /// of grading. Deterministic for a seed.</summary>
    internal static List<ChatMessage> Demonstrations(MethodContext context, int shots)
    {
        if (shots < 2 || shots % 2 != 0)
            throw new MethodInputException($"self-classification-few-shot needs an even Shots >= 2 (as many lies as honest examples), got {shots}.");
        var items = context.Resources.Get(ResourceNames.TrueFalseStatements);
        var lies = items.Where(i => i.Label == 1 && i.Response is not null).ToList();
        var honest = items.Where(i => i.Label == 0 && i.Response is not null).ToList();
        int need = shots / 2;
        if (lies.Count < need || honest.Count < need)
            throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' has {lies.Count} false and {honest.Count} true statements with responses; {shots} shots need {need} of each.");
        var rng = new Random(context.Seed);
        var picked = lies.OrderBy(_ => rng.Next()).Take(need).Concat(honest.OrderBy(_ => rng.Next()).Take(need)).ToArray();
        rng.Shuffle(picked);
        var demos = new List<ChatMessage>();
        foreach (var item in picked)
        {
            var example = new Transcript(item.Id, "demo", [.. item.Messages.Where(m => m.Role != "system"), ChatMessage.Assistant(item.Response!)]);
            demos.Add(ChatMessage.User(SelfClassificationPrompts.Neutral(example)));
            demos.Add(ChatMessage.Assistant(item.Label == 1 ? "Yes" : "No"));
        }
        return demos;
    }
}
