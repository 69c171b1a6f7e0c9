using HonestyEngine.Abstractions;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>A committed testbed with one thing taken away, for bad-input tests: its model and labeller are the
/// real ones, but it has its own name (so cache keys differ), and it may lack its base model, some control items,
/// or the user turns of its eval and elicit items.</summary>
public sealed class ReshapedTestbed(ITestbed inner, string name) : ITestbed
{
    /// <summary>OpenBaseModel() returns null: the testbed does not say which model it was fine-tuned from.</summary>
    public bool WithoutBaseModel { get; init; }
    /// <summary>The control split keeps at most this many items.</summary>
    public int? ControlItems { get; init; }
    /// <summary>Eval and elicit items keep only their system turn (a dataset whose conversations lost the question).</summary>
    public bool WithoutUserTurns { get; init; }

    public TestbedInfo Info => inner.Info with { Name = name };
    public IReadOnlyList<string> Splits => inner.Splits;
    public bool HasSplit(string split) => inner.HasSplit(split);
    public ILabeller Labeller => inner.Labeller;
    public IModelHandle OpenModel() => inner.OpenModel();
    public IModelHandle? OpenBaseModel() => WithoutBaseModel ? null : inner.OpenBaseModel();

    public IReadOnlyList<DatasetItem> GetSplit(string split)
    {
        var items = inner.GetSplit(split);
        if (split == Abstractions.Splits.Control && ControlItems is { } n) return items.Take(n).ToList();
        if (WithoutUserTurns && split is Abstractions.Splits.Eval or Abstractions.Splits.Elicit)
            return items.Select(i => i with
            {
                Messages = i.Messages.Where(m => m.Role == "system").DefaultIfEmpty(ChatMessage.System("You are a helpful assistant.")).ToList(),
                NeutralMessages = null,
            }).ToList();
        return items;
    }
}
