using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Prompting;

[Method("honest-system-prompt", Family = "black-box/prompting", Anchor = "Wang et al. 2025",
    Description = "Adds an instruction to be honest to the system prompt (merged ahead of the testbed's own system prompt "
        + "if it has one) and samples the answer. Wang et al.'s simplest honesty baseline.")]
public sealed class HonestSystemPrompt : IIntervention
{
    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
        => InterventionSampler.Run(context, items,
            item => Prompt.Chat(HonestyPrompts.WithHonestSystemPrompt(InterventionSampler.Conversation(item, "honest-system-prompt"))));
}
