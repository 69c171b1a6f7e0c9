using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("baseline-finetune-instruction-following", Family = "grey-box/fine-tuning (control)", Anchor = "Wang et al. 2025 (baseline fine-tunes)",
    Description = "Control for the honesty fine-tunes: the same recipe (LoRA rank 8, lr 1e-3, 200 steps of 8; 16 in the quick profile) on "
        + "instruction-following data with no honesty content (resource 'instruction-following'), evaluated like the generic "
        + "fine-tunes. Separates the effect of honesty data from the effect of any fine-tuning (Wang et al.'s "
        + "instruction-following baseline).",
    TimeBudgetSeconds = 1800)]
public sealed class BaselineFineTuneInstructionFollowing : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.InstructionFollowing];
}
