using System.Collections;
using System.Text.Json;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary><see cref="MethodContext.RunTestbeds"/> as the engine passes it: every testbed available to the run, and
/// a note of whether the cell read it. A cell that reads it (the introspection adapter trains on the other testbeds)
/// depends on more than its own testbed, so its cache file records <see cref="Key"/> and is reused only while the run's
/// testbeds are the same; a cell that never reads it keeps its cache when testbeds are added or changed elsewhere.</summary>
internal sealed class RunTestbedList(IReadOnlyList<ITestbed> testbeds, string key) : IReadOnlyList<ITestbed>
{
    /// <summary>Hash over every available testbed's <see cref="TestbedInfo"/> (name, version, base model, secret,
    /// properties), in discovery order.</summary>
    public string Key { get; } = key;
    public bool WasRead { get; private set; }

    public static string KeyOf(IReadOnlyList<ITestbed> testbeds) =>
        Matrix.MethodVariant.Hash("run-testbeds|" + string.Join("\n", testbeds.Select(t => JsonSerializer.Serialize(t.Info))));

    /// <summary>A fresh tracker over the same testbeds, for one cell.</summary>
    public RunTestbedList ForCell() => new(testbeds, Key);

    public ITestbed this[int index] { get { WasRead = true; return testbeds[index]; } }
    public int Count { get { WasRead = true; return testbeds.Count; } }
    public IEnumerator<ITestbed> GetEnumerator() { WasRead = true; return testbeds.GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
