using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

[Method("honesty-finetune-goals-followup", Family = "grey-box/fine-tuning", Anchor = "Wang et al. 2025",
    Description = "Generic honesty fine-tuning on Goals + Follow-up (both resources, concatenated), the mix Wang et al. "
        + "report as their generic honesty fine-tune. Same recipe and steps as the single mixes (equal compute: 200 steps, 16 in the quick profile, of "
        + "8, about 3 epochs over the 540 items).",
    TimeBudgetSeconds = 1800)]
public sealed class HonestyFineTuneGoalsFollowUp : FineTuneIntervention
{
    protected override IReadOnlyList<string> Resources => [ResourceNames.HonestyGoals, ResourceNames.HonestyFollowUp];
}
