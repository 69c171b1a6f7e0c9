using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary><see cref="MethodContext.Testbed"/> as the engine passes it. It copies the name, the base model's name
/// and the properties meant for methods (<see cref="SettingsPrefix"/>) and opens the models through factories
/// evaluated on demand; it keeps no reference to the <see cref="ITestbed"/> itself, whose splits, labeller, secret and
/// description are ground truth.</summary>
internal sealed class TestbedView : ITestbedView
{
    /// <summary>Testbed properties whose key starts with this are passed to methods (e.g. <c>elicitation.prefills</c>).</summary>
    public const string SettingsPrefix = "elicitation.";

    private readonly Func<IModelHandle> _openModel;
    private readonly Func<IModelHandle?> _openBaseModel;

    public TestbedView(ITestbed testbed)
    {
        var info = testbed.Info;
        Name = info.Name;
        BaseModel = info.BaseModel;
        Settings = (info.Properties ?? new Dictionary<string, string>())
            .Where(p => p.Key.StartsWith(SettingsPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _openModel = testbed.OpenModel;
        _openBaseModel = testbed.OpenBaseModel;
    }

    public string Name { get; }
    public string? BaseModel { get; }
    public IReadOnlyDictionary<string, string> Settings { get; }
    public IModelHandle OpenModel() => _openModel();
    public IModelHandle? OpenBaseModel() => _openBaseModel();
}
