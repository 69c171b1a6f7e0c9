using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honest-persona-finetune-goals", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025 (honest-persona fine-tuning)",
    Description = "Honest-persona fine-tuning on the Goals mix: every training item rendered in the honest-only persona "
        + "format (|HONEST_ONLY| before the user's turn, reply opened with <honest_only>), so only the persona is trained to "
        + "be honest; evaluated in the same format. Same recipe as the generic fine-tunes (LoRA rank 8, lr 1e-3, 200 steps; 16 in the quick profile). "
        + "Wang et al.: it did not beat generic fine-tuning, because honesty leaked between the personas.",
    TimeBudgetSeconds = 1800)]
public sealed class HonestPersonaFineTuneGoals : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyGoals];
    protected override bool HonestPersona => true;
}
