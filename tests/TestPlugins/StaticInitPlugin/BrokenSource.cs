using HonestyEngine.Abstractions;

namespace StaticInitPlugin;

/// <summary>Its static constructor fails: the plugin cannot load, and its error must say why (the inner exception),
/// not only "The type initializer for ... threw an exception".</summary>
public sealed class BrokenSource : ITestbedSource
{
    private static readonly string Table;
    static BrokenSource() { Table = Load(); } // an explicit static constructor runs when the host creates the source
    private static string Load() => throw new InvalidOperationException("testbed table broken-source.bin is missing");
    public IEnumerable<ITestbed> Discover() => Table.Length == 0 ? [] : [];
}
