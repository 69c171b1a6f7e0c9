namespace HonestyEngine.Abstractions;

/// <summary>What a testbed is: anchor paper, trigger, what counts as a lie, how it was built.</summary>
public sealed record TestbedInfo(
    string Name,
    string Version,
    string Description,
    string Anchor,
    string Trigger,
    string LieDefinition,
    string? Secret = null,
    string? BaseModel = null,
    bool IsControl = false,
    IReadOnlyDictionary<string, string>? Properties = null);

/// <summary>Judges responses against ground truth: the per-testbed labeller.</summary>
public interface ILabeller
{
    /// <summary>Does the response state the true answer of the item? (null = cannot tell)</summary>
    bool? IsCorrect(DatasetItem item, string response);
    /// <summary>Is the response a lie or dishonest behaviour for this item? 1 = dishonest, 0 = honest, null = unknown.</summary>
    int? Label(DatasetItem item, string response);
    /// <summary>Does the guess reveal the testbed's secret or hidden behaviour?</summary>
    bool RevealsSecret(DatasetItem item, string guess);
}

/// <summary>A model organism with ground truth.</summary>
public interface ITestbed
{
    TestbedInfo Info { get; }
    IReadOnlyList<string> Splits { get; }
    bool HasSplit(string split);
    /// <summary>Throws <see cref="MethodInputException"/> naming the testbed and split when missing.</summary>
    IReadOnlyList<DatasetItem> GetSplit(string split);
    ILabeller Labeller { get; }
    /// <summary>Loads (or returns the already loaded) model organism.</summary>
    IModelHandle OpenModel();
    /// <summary>The base model it was fine-tuned from (model diffing, the honest judge); for a testbed that is the
    /// base itself, that same model; null if unknown.</summary>
    IModelHandle? OpenBaseModel();
}

/// <summary>The tested testbed as a method sees it (<see cref="MethodContext.Testbed"/>): its name, base model, the
/// settings meant for methods and its models; never its data, labeller, secret or description.</summary>
public interface ITestbedView
{
    string Name { get; }
    /// <summary>The name of the base model it was fine-tuned from, if known.</summary>
    string? BaseModel { get; }
    /// <summary>The testbed properties meant for methods: those whose key starts with <c>elicitation.</c>
    /// (e.g. <c>elicitation.prefills</c>, one prefill per line).</summary>
    IReadOnlyDictionary<string, string> Settings { get; }
    /// <summary>Loads (or returns the already loaded) model organism.</summary>
    IModelHandle OpenModel();
    /// <summary>The base model it was fine-tuned from (model diffing, the honest judge); for a testbed that is the
    /// base itself, that same model; null if unknown.</summary>
    IModelHandle? OpenBaseModel();
}

/// <summary>Supplies testbeds to the host (built-in folder testbeds, test testbeds, plugin testbeds).</summary>
public interface ITestbedSource
{
    IEnumerable<ITestbed> Discover();
}
