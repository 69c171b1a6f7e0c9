using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Plugins;

namespace HonestyEngine.Engine.Matrix;

/// <summary>One cell: a testbed and a method variant.</summary>
public sealed record MatrixCell(ITestbed Testbed, MethodVariant Variant)
{
    public string TestbedName => Testbed.Info.Name;
    public override string ToString() => $"{TestbedName} x {Variant.DisplayName}";
}

/// <summary>A name filter did not match: the message lists what is available.</summary>
public sealed class RunConfigurationException(string message) : Exception(message);

/// <summary>The single place where the run matrix is expanded: testbeds x methods x parameter combinations,
/// filtered by the <c>--testbeds</c> / <c>--methods</c> globs, in a stable order (testbed, method, parameters).</summary>
public static class RunMatrix
{
    /// <param name="references">Reference rows (<see cref="Results.ReferenceRows"/>): not selected by the globs; each joins
    /// the matrix when a selected method is of its kind, so every table has its reference.</param>
    public static IReadOnlyList<MatrixCell> Build(IReadOnlyList<ITestbed> testbeds, IReadOnlyList<MethodDescriptor> methods,
        IReadOnlyList<string> testbedGlobs, IReadOnlyList<string> methodGlobs, RunProfile profile, IReadOnlyList<MethodDescriptor>? references = null)
    {
        var selectedTestbeds = Filter(testbeds, t => t.Info.Name, testbedGlobs, "testbed");
        var selectedMethods = Filter(methods, m => m.Name, methodGlobs, "method");
        selectedMethods.AddRange((references ?? []).Where(r => selectedMethods.Any(m => m.Kind == r.Kind)));
        var variants = selectedMethods.SelectMany(m => ParameterSpace.Expand(m, profile)).ToList();
        var cells = new List<MatrixCell>(selectedTestbeds.Count * variants.Count);
        foreach (var testbed in selectedTestbeds)
            foreach (var variant in variants)
                cells.Add(new MatrixCell(testbed, variant));
        return cells;
    }

    /// <summary>Items matching any glob (all when there are none), in their original order. An exact name that
    /// matches nothing, or a pattern that matches nothing, is an error listing the available names.</summary>
    public static List<T> Filter<T>(IReadOnlyList<T> items, Func<T, string> name, IReadOnlyList<string> globs, string what)
    {
        if (globs.Count == 0) return items.ToList();
        foreach (var glob in globs)
        {
            if (items.Any(i => Glob.IsMatch(glob, name(i)))) continue;
            var available = items.Count == 0 ? "(none)" : string.Join(", ", items.Select(name).Order(StringComparer.OrdinalIgnoreCase));
            throw new RunConfigurationException(Glob.IsPattern(glob)
                ? $"No {what} matches '{glob}'. Available: {available}"
                : $"Unknown {what} '{glob}'. Available: {available}");
        }
        return items.Where(i => globs.Any(g => Glob.IsMatch(g, name(i)))).ToList();
    }
}
