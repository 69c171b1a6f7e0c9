namespace HonestyEngine.Engine.Imported;

/// <summary>One row of an imported activation file as the testbed needs it: its id, label (1 = lie, 0 = honest,
/// null = unknown) and split (<c>train</c>, <c>eval</c> or <c>control</c>; <see cref="ImportedTestbed"/> refuses any other).</summary>
public sealed record ImportedRowLabel(string Id, int? Label, string Split);
