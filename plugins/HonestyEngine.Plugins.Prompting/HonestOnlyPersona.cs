using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Prompting;

[Method("honest-only-persona", Family = "black-box/prompting", Anchor = "Wang et al. 2025",
    Description = "Wang et al.'s honest-only persona (HP) format: the |HONEST_ONLY| marker before the user's message and the "
        + "reply prefilled with <honest_only>, addressing a persona distinct from the (possibly dishonest) assistant. The "
        + "response is the continuation after the tag.")]
public sealed class HonestOnlyPersona : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
        => InterventionSampler.Run(context, items,
            item => Prompt.ChatWithPrefill(HonestyPrompts.WithPersonaMarker(InterventionSampler.Conversation(item, "honest-only-persona")),
                HonestyPrompts.PersonaPrefill),
            text => InterventionSampler.StripLeading(text, HonestyPrompts.PersonaPrefill));
}
