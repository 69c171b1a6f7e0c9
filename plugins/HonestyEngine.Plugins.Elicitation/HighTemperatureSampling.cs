using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Elicitation;

[Method("high-temperature-sampling", Family = "black-box/elicitation", Anchor = "Cywinski et al. 2025",
    Description = "Asks the elicitation question directly and samples Samples answers at a high Temperature, pooling them "
        + "(the secret slips out in a few samples; pass@k over the ranked guesses). Temperature 1.5 and 16 samples: a "
        + "budget that fits 2 CPU cores; Cywinski et al.'s exact temperature is not restated here.")]
public sealed class HighTemperatureSampling : IElicitor
{
    [Params(1.5)]
    public double Temperature { get; set; } = 1.5;

    public int Samples { get; set; } = 16;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (!(Temperature > 0) || !double.IsFinite(Temperature))
            throw new MethodInputException($"high-temperature-sampling: Temperature must be positive, got {Temperature}.");
        if (Samples < 1) throw new MethodInputException($"high-temperature-sampling: Samples must be >= 1, got {Samples}.");
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var prompt = Prompt.Chat(ElicitationInputs.Conversation(item, "high-temperature-sampling"));
            var requests = Enumerable.Range(0, Samples).Select(s => new GenerationRequest(prompt,
                new SamplingOptions(48, (float)Temperature, 1f, context.Seed + 7919 * s))).ToList();
            var outputs = ElicitationInputs.Generate(context, context.Model, requests).Select(r => r.Text).ToList();
            outcomes.Add(new ElicitationOutcome(item.Id, GuessExtractor.Guesses(outputs, ElicitationInputs.PromptTexts(requests)), GuessExtractor.Evidence(outputs)));
        }
        return outcomes;
    }
}
