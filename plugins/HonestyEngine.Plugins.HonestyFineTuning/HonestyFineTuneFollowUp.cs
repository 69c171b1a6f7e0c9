using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honesty-finetune-followup", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025",
    Description = "Generic honesty fine-tuning on the Follow-up mix (resource 'honesty-followup': asked after an earlier "
        + "answer whether it was honest, the assistant confesses an earlier lie or confirms a true answer). Same recipe as "
        + "honesty-finetune-goals (LoRA rank 8, lr 1e-3, 200 steps of 8; 16 in the quick profile), and the same tune honest-persona-self-classification "
        + "uses. Wang et al. found Follow-up the best mix for lie detection, Goals for honesty.",
    TimeBudgetSeconds = 1800)]
public sealed class HonestyFineTuneFollowUp : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyFollowUp];
}
