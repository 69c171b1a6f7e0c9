using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honest-persona-finetune-goals-followup", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025 (honest-persona fine-tuning)",
    Description = "Honest-persona fine-tuning on Goals + Follow-up (Wang et al.'s 'Goals+FP'), rendered in and evaluated in "
        + "the honest-only persona format. Same recipe and steps as the other fine-tunes (LoRA rank 8, lr 1e-3, 200 steps; 16 in the quick profile).",
    TimeBudgetSeconds = 1800)]
public sealed class HonestPersonaFineTuneGoalsFollowUp : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyGoals, ResourceNames.HonestyFollowUp];
    protected override bool HonestPersona => true;
}
