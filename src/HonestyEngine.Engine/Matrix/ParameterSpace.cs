using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Plugins;

namespace HonestyEngine.Engine.Matrix;

/// <summary>Expands a method's [Params] into the cartesian product of their values (BenchmarkDotNet style);
/// the quick profile uses [QuickParams] (or the first [Params] value).</summary>
public static class ParameterSpace
{
    public static IReadOnlyList<MethodVariant> Expand(MethodDescriptor method, RunProfile profile)
    {
        var combos = new List<List<KeyValuePair<string, object?>>> { new() };
        foreach (var parameter in method.Parameters)
        {
            var values = profile == RunProfile.Quick ? parameter.QuickValues : parameter.Values;
            var next = new List<List<KeyValuePair<string, object?>>>(combos.Count * values.Count);
            foreach (var combo in combos)
                foreach (var value in values)
                    next.Add([.. combo, new(parameter.Name, value)]);
            combos = next;
        }
        return combos.Select(c => new MethodVariant(method, c)).ToList();
    }
}
