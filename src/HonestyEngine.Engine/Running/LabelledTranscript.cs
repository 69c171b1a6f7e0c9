using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>A transcript as the host keeps it: the conversation with the model's response, its ground-truth label
/// (1 = lie, 0 = honest, null = unknown) and the dataset item it came from. Methods never get this type: the cell
/// executor hands detectors <see cref="MethodViews.ToMethod(LabelledTranscript)"/> (id, split, messages) and
/// privileged detectors the labels through <see cref="DetectorContext.PrivilegedLabels"/>.</summary>
internal sealed record LabelledTranscript(string Id, string Split, IReadOnlyList<ChatMessage> Messages, int? Label, DatasetItem Item);
