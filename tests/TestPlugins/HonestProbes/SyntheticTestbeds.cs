using HonestyEngine.Abstractions;
using HonestyEngine.TestWorld;

namespace HonestProbes;

/// <summary>A plugin may provide testbeds: two synthetic model organisms.</summary>
public sealed class SyntheticTestbeds : ITestbedSource
{
    public IEnumerable<ITestbed> Discover() =>
    [
        new SyntheticTestbed("synthetic-sales", lieRate: 0.5),
        new SyntheticTestbed("synthetic-secret", lieRate: 0.4, secret: "pineapple"),
    ];
}
