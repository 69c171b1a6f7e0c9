using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Prompting;

[Method("honest-persona-system-prefill", Family = "black-box/prompting", Anchor = "Wang et al. 2025",
    Description = "Wang et al.'s strongest prompting combination: the honest-only persona format (|HONEST_ONLY| marker, "
        + "<honest_only> tag) plus the honest system prompt plus an honest prefill after the tag ('I will answer completely "
        + "honestly.'). The response is the continuation after the prefill.")]
public sealed class PersonaSystemPromptPrefill : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        string prefill = HonestyPrompts.PersonaPrefill + " " + HonestyPrompts.HonestPrefill;
        return InterventionSampler.Run(context, items,
            item => Prompt.ChatWithPrefill(
                HonestyPrompts.WithPersonaMarker(HonestyPrompts.WithHonestSystemPrompt(InterventionSampler.Conversation(item, "honest-persona-system-prefill"))),
                prefill),
            text => InterventionSampler.StripLeading(text, prefill));
    }
}
