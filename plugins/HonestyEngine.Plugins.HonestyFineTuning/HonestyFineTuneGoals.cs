using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honesty-finetune-goals", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025",
    Description = "Generic honesty fine-tuning on the Goals mix (resource 'honesty-goals': the assistant, given a system "
        + "prompt with a deceptive or harmful goal, admits it when asked). LoRA rank 8, lr 1e-3, 200 steps of 8, 16 in the quick profile (Wang et al. "
        + "publish no recipe; scaled to our small models), then the eval items answered by the tuned model in the plain chat "
        + "format. Wang et al. found Goals-only the best mix for honesty (27% -> 52% average honesty for generic fine-tuning).",
    TimeBudgetSeconds = 1800)]
public sealed class HonestyFineTuneGoals : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyGoals];
}
