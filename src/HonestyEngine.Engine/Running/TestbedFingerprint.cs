using System.Text.Json;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>The items a run uses from one testbed and a hash over its name, version and those items:
/// cache keys include it, so editing a testbed's data without bumping its version still invalidates its cells.</summary>
public sealed class TestbedFingerprint
{
    public required IReadOnlyList<DatasetItem> Eval { get; init; }
    public required IReadOnlyList<DatasetItem> Control { get; init; }
    public required IReadOnlyList<DatasetItem> Elicit { get; init; }
    public required bool HasElicitSplit { get; init; }
    public required string Hash { get; init; }

    internal static TestbedFingerprint Of(ITestbed testbed, RunOptions options)
    {
        var eval = ItemSelection.Split(testbed, Splits.Eval, options);
        var control = ItemSelection.Split(testbed, Splits.Control, options);
        var elicit = ItemSelection.Split(testbed, Splits.Elicit, options);
        var material = JsonSerializer.Serialize(new { testbed.Info.Name, testbed.Info.Version, eval, control, elicit });
        return new TestbedFingerprint
        {
            Eval = eval, Control = control, Elicit = elicit,
            HasElicitSplit = testbed.HasSplit(Splits.Elicit),
            Hash = Matrix.MethodVariant.Hash(material),
        };
    }
}
