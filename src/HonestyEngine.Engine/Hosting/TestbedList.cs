using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Hosting;

/// <summary>Supplies a fixed list of testbeds to the host (an imported export, or the testbeds a test builds).</summary>
public sealed class TestbedList(params ITestbed[] testbeds) : ITestbedSource
{
    public IEnumerable<ITestbed> Discover() => testbeds;
}
