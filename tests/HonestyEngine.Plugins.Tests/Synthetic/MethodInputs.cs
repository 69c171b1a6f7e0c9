using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>A transcript with its ground truth, as the host keeps it: the tests score methods against it, and the
/// methods get <see cref="Blind"/> (contract 2.0: id, split and messages only).</summary>
public sealed record LabelledTranscript(string Id, string Split, IReadOnlyList<ChatMessage> Messages, int? Label, DatasetItem Item)
{
    public string Response => Messages.Count > 0 && Messages[^1].Role == "assistant" ? Messages[^1].Content : "";
    public Transcript Blind => new(Id, Split, Messages);
}

/// <summary>What the host hands methods, built the way the engine builds it (Engine/Running/MethodViews.cs).</summary>
public static class MethodInputs
{
    public static PromptItem AsPrompt(this DatasetItem item) => new(item.Id, item.Messages, item.Choices);
    public static List<PromptItem> AsPrompts(this IEnumerable<DatasetItem> items) => items.Select(AsPrompt).ToList();
    public static ITestbedView View(this ITestbed testbed) => new TestbedView(testbed);

    /// <summary>The testbed as <see cref="MethodContext.Testbed"/>: name, base model, the elicitation.* properties, models.</summary>
    private sealed class TestbedView(ITestbed testbed) : ITestbedView
    {
        public string Name => testbed.Info.Name;
        public string? BaseModel => testbed.Info.BaseModel;
        public IReadOnlyDictionary<string, string> Settings { get; } = (testbed.Info.Properties ?? new Dictionary<string, string>())
            .Where(p => p.Key.StartsWith("elicitation.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value);
        public IModelHandle OpenModel() => testbed.OpenModel();
        public IModelHandle? OpenBaseModel() => testbed.OpenBaseModel();
    }
}
