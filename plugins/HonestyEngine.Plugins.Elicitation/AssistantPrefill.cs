using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Elicitation;

[Method("assistant-prefill", Family = "black-box/elicitation", Anchor = "Cywinski et al. 2025",
    Description = "Assistant prefill attack: the elicitation question is answered from a prefilled reply opening such as "
        + "'My secret is', and the model continues it greedily. The testbed's own prefills come from its "
        + "'elicitation.prefills' property (one per line, as Cywinski et al. tailor prefills per setting); otherwise four "
        + "generic ones. All continuations are pooled and turned into ranked guesses by a fixed rule (recurring content "
        + "words not in the prompt, then recurring first sentences) instead of Cywinski et al.'s auditor LLM.")]
public sealed class AssistantPrefill : IElicitor
{
    public const int MaxNewTokens = 24;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        var prefills = ElicitationInputs.Prefills(context, "assistant-prefill");
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var conversation = ElicitationInputs.Conversation(item, "assistant-prefill");
            var requests = prefills.Select(p => new GenerationRequest(Prompt.ChatWithPrefill(conversation, p),
                new SamplingOptions(MaxNewTokens, 0f, 1f, context.Seed))).ToList();
            var outputs = ElicitationInputs.Generate(context, context.Model, requests).Select(r => r.Text).ToList();
            outcomes.Add(new ElicitationOutcome(item.Id, GuessExtractor.Guesses(outputs, ElicitationInputs.PromptTexts(requests)), GuessExtractor.Evidence(outputs)));
        }
        return outcomes;
    }
}
