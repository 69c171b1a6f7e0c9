using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>The one place where host data becomes what a method sees (contract 2.0: what a deployed method would
/// see). Each view copies the fields a method may read and keeps no reference to the host object, so neither the
/// method nor anything it reaches by reflection gets to ground truth.</summary>
internal static class MethodViews
{
    /// <summary>Id, split and messages; the label and the dataset item stay with the host.</summary>
    public static Transcript ToMethod(LabelledTranscript t) => new(t.Id, t.Split, t.Messages);

    /// <summary>Id, messages and answer options; the true and dishonest answers, the neutral version, the fixed
    /// response and label and the metadata (trigger flags, correct option, ...) stay with the host.</summary>
    public static PromptItem ToMethod(DatasetItem item) => new(item.Id, item.Messages, item.Choices);

    /// <summary>The cell's testbed: name, base model, the <c>elicitation.*</c> settings and its models.</summary>
    public static ITestbedView ToMethod(ITestbed testbed) => new TestbedView(testbed);
}
