using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honest-persona-finetune-followup", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025 (honest-persona fine-tuning)",
    Description = "Honest-persona fine-tuning on the Follow-up mix (Wang et al.'s 'FP' variant): the confessions rendered in "
        + "the honest-only persona format (|HONEST_ONLY| marker, <honest_only> reply) and evaluated in it. Same recipe as the "
        + "generic fine-tunes (LoRA rank 8, lr 1e-3, 200 steps; 16 in the quick profile).",
    TimeBudgetSeconds = 1800)]
public sealed class HonestPersonaFineTuneFollowUp : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyFollowUp];
    protected override bool HonestPersona => true;
}
