using System.Collections;
using System.Text.Json;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary><see cref="MethodContext.RunTestbeds"/> as the engine passes it to one cell: the run's other testbeds
/// (every one available, not only those selected), leaving out the cell's own testbed and its variants
/// (<see cref="SameBehaviour"/>), each behind an <see cref="OtherTestbed"/> that hides its eval and control data; and a
/// note of whether the cell read it. A cell that reads it (the introspection adapter trains on the other testbeds)
/// depends on more than its own testbed, so its cache file records <see cref="Key"/> and is reused only while the run's
/// testbeds are the same; a cell that never reads it keeps its cache when testbeds are added or changed elsewhere.
/// The list holds no reference to the cell's own testbed.</summary>
internal sealed class RunTestbedList : IReadOnlyList<ITestbed>
{
    private readonly IReadOnlyList<ITestbed> _testbeds;

    private RunTestbedList(IReadOnlyList<ITestbed> testbeds, string key)
    {
        _testbeds = testbeds;
        Key = key;
    }

    /// <summary>Hash over every available testbed's <see cref="TestbedInfo"/> (name, version, base model, secret,
    /// properties), in discovery order (the run's, not the cell's: conservative, and one key per run).</summary>
    public string Key { get; }
    public bool WasRead { get; private set; }

    public static string KeyOf(IReadOnlyList<ITestbed> testbeds) =>
        Matrix.MethodVariant.Hash("run-testbeds|" + string.Join("\n", testbeds.Select(t => JsonSerializer.Serialize(t.Info))));

    /// <summary>The list one cell on <paramref name="cellTestbed"/> gets: a fresh tracker over the other testbeds of
    /// <paramref name="all"/> that are neither it nor one of its variants.</summary>
    public static RunTestbedList ForCell(IReadOnlyList<ITestbed> all, string key, ITestbed cellTestbed)
    {
        var own = cellTestbed.Info;
        return new RunTestbedList(all
            .Where(t => !ReferenceEquals(t, cellTestbed) && !string.Equals(t.Info.Name, own.Name, StringComparison.OrdinalIgnoreCase) && !SameBehaviour(t.Info, own))
            .Select(t => (ITestbed)new OtherTestbed(t))
            .ToList(), key);
    }

    /// <summary>Two testbeds implant the same behaviour (variants of one organism, e.g. the four quirk-defend-objects
    /// testbeds): the same non-empty description, or the same non-empty secret. A method learning across testbeds
    /// must not see a variant of the tested one: it could recite its ground truth instead of finding it. Unlike the rule
    /// the introspection adapter had, controls are not exempt: a control with the tested testbed's description is its
    /// ground truth all the same (the committed controls' descriptions differ, so no run changes).</summary>
    public static bool SameBehaviour(TestbedInfo a, TestbedInfo b) =>
        Same(a.Description, b.Description, StringComparison.Ordinal) || Same(a.Secret, b.Secret, StringComparison.OrdinalIgnoreCase);

    private static bool Same(string? x, string? y, StringComparison comparison) =>
        !string.IsNullOrWhiteSpace(x) && !string.IsNullOrWhiteSpace(y) && string.Equals(x.Trim(), y.Trim(), comparison);

    public ITestbed this[int index] { get { WasRead = true; return _testbeds[index]; } }
    public int Count { get { WasRead = true; return _testbeds.Count; } }
    public IEnumerator<ITestbed> GetEnumerator() { WasRead = true; return _testbeds.GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Another testbed of the run as a method sees it in <see cref="MethodContext.RunTestbeds"/>: its info,
/// labeller and models, and only its <c>elicit</c> and <c>train</c> splits; asking for its eval or control split is a
/// <see cref="MethodInputException"/>. It copies what it exposes and reaches the rest through factories, keeping no
/// reference to the testbed.</summary>
internal sealed class OtherTestbed : ITestbed
{
    /// <summary>The splits methods may read of the run's other testbeds.</summary>
    public static readonly IReadOnlyList<string> VisibleSplits = [Abstractions.Splits.Elicit, "train"];

    private readonly Func<string, IReadOnlyList<DatasetItem>> _getSplit;
    private readonly Func<IModelHandle> _openModel;
    private readonly Func<IModelHandle?> _openBaseModel;

    public OtherTestbed(ITestbed testbed)
    {
        Info = testbed.Info;
        Labeller = testbed.Labeller;
        Splits = VisibleSplits.Where(testbed.HasSplit).ToList();
        _getSplit = testbed.GetSplit;
        _openModel = testbed.OpenModel;
        _openBaseModel = testbed.OpenBaseModel;
    }

    public TestbedInfo Info { get; }
    public ILabeller Labeller { get; }
    public IReadOnlyList<string> Splits { get; }
    public bool HasSplit(string split) => Splits.Contains(split);

    public IReadOnlyList<DatasetItem> GetSplit(string split)
    {
        if (split is Abstractions.Splits.Eval or Abstractions.Splits.Control or Abstractions.Splits.Counterfactual)
            throw new MethodInputException($"Testbed '{Info.Name}': the {split} split is not available to methods. Eval and control data of the run's " +
                $"testbeds are not available to methods; MethodContext.RunTestbeds exposes only their {string.Join(" and ", VisibleSplits)} splits.");
        if (!HasSplit(split))
            throw new MethodInputException($"Testbed '{Info.Name}' has no '{split}' split available to methods (it has: " +
                $"{(Splits.Count == 0 ? "none" : string.Join(", ", Splits))}; of the run's other testbeds methods see only {string.Join(" and ", VisibleSplits)}).");
        return _getSplit(split);
    }

    public IModelHandle OpenModel() => _openModel();
    public IModelHandle? OpenBaseModel() => _openBaseModel();
}
