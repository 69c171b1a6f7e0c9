using System.Reflection;
using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Prompting;
using HonestyEngine.Plugins.SelfReport;

namespace HonestyEngine.Plugins.HonestyFineTuning;

/// <summary>An honesty intervention by fine-tuning (Wang et al. 2025): fine-tune the testbed model on a data mix
/// (recipe in <see cref="HonestyFineTunes"/>), then answer each eval item with the tuned model, greedily or
/// SamplesPerItem samples at temperature 1 (the shared sampler of the prompting interventions). Generic fine-tunes and
/// their controls answer the item's own conversation; honest-persona fine-tunes train on and answer in the
/// honest-only persona format (|HONEST_ONLY| marker, reply opened with &lt;honest_only&gt;).</summary>
public abstract class FineTuneIntervention : IIntervention
{
    /// <summary>The resources of the mix, in order.</summary>
    protected abstract IReadOnlyList<string> Resources { get; }

    /// <summary>Train and answer in the honest-only persona format.</summary>
    protected virtual bool HonestPersona => false;

    private string MethodName => GetType().GetCustomAttribute<MethodAttribute>()?.Name ?? GetType().Name;

    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        string method = MethodName;
        // Bad items fail the cell before minutes of training, not after.
        foreach (var item in items) InterventionSampler.Conversation(item, method);
        // The mix is named by its data, not by the method: methods asking for the same data share one tune
        // (honesty-followup is also the fine-tune of honest-persona-self-classification).
        string label = string.Join("+", Resources);
        var mix = HonestPersona
            ? new FineTuneMix("honest-persona-" + label, Resources, item => PersonaFormat.TrainingItem(item, method))
            : new FineTuneMix(label, Resources);
        var tuned = HonestyFineTunes.Tune(context, method, mix);
        var tunedContext = TunedModelTestbed.Context(context, tuned);
        if (!HonestPersona)
            return InterventionSampler.Run(tunedContext, items, item => Prompt.Chat(InterventionSampler.Conversation(item, method)));
        return InterventionSampler.Run(tunedContext, items,
            item => PersonaFormat.EvalPrompt(InterventionSampler.Conversation(item, method)),
            text => InterventionSampler.StripLeading(text, HonestyPrompts.PersonaPrefill));
    }
}
