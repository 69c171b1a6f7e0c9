namespace HonestyEngine.Engine.Imported;

/// <summary>One row of an imported activation file as the testbed needs it: its id, label (1 = lie, 0 = honest,
/// null = unknown) and split (<c>train</c>, <c>eval</c>, <c>control</c>, or any other name, which is kept as a split).</summary>
public sealed record ImportedRowLabel(string Id, int? Label, string Split);
