using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Prompting;

namespace HonestyEngine.Plugins.HonestyFineTuning;

/// <summary>Wang et al.'s honest-only persona (HP) format for fine-tuning: the |HONEST_ONLY| marker before the last user
/// turn and the reply opened with the &lt;honest_only&gt; tag, in training and at evaluation alike (the same texts as
/// the honest-only-persona prompting intervention). Training only the persona's replies is what makes it a persona
/// fine-tune; Wang et al. found the honesty leaks into the plain assistant anyway ("propensity transfer").</summary>
internal static class PersonaFormat
{
    public static DatasetItem TrainingItem(DatasetItem item, string method)
    {
        if (!item.Messages.Any(m => m.Role == "user"))
            throw new MethodInputException($"{method}: training item '{item.Id}' has no user turn to put the {HonestyPrompts.PersonaMarker} marker on.");
        return item with
        {
            Messages = HonestyPrompts.WithPersonaMarker(item.Messages),
            Response = HonestyPrompts.PersonaPrefill + " " + item.Response,
        };
    }

    public static Prompt EvalPrompt(IReadOnlyList<ChatMessage> conversation)
        => Prompt.ChatWithPrefill(HonestyPrompts.WithPersonaMarker(conversation), HonestyPrompts.PersonaPrefill);
}
