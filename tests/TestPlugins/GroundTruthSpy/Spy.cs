using System.Reflection;
using HonestyEngine.Abstractions;

namespace GroundTruthSpy;

/// <summary>Everything a method could reach from its arguments, written to <c>&lt;CacheDirectory&gt;/ground-truth-spy.tsv</c>:
/// one line per distinct (root, kind, member, value), kind "s" for a string and "i" for an int; and "resolved" lines
/// naming the host types the services provider gave out.</summary>
internal static class Spy
{
    public const string FileName = "ground-truth-spy.tsv";

    /// <summary>Split names a method might ask the run's other testbeds for.</summary>
    private static readonly string[] SplitNames = [Splits.Eval, Splits.Control, Splits.Counterfactual, Splits.Elicit, "train"];

    public static void Record(MethodContext context, object inputs)
    {
        var lines = new HashSet<string>(StringComparer.Ordinal);
        void Add(string root, string kind, string member, string value) =>
            lines.Add($"{root}\t{kind}\t{member}\t{Escape(value)}");
        var walker = new Walker(Add);

        walker.Walk(inputs, "inputs");
        walker.Walk(context.Testbed, "testbed");
        walker.Walk(context, "context");

        // The run's other testbeds, also through their methods: every split a method might ask for.
        for (int i = 0; i < context.RunTestbeds.Count; i++)
        {
            var testbed = context.RunTestbeds[i];
            foreach (var split in SplitNames)
            {
                try { walker.Walk(testbed.GetSplit(split), $"run-testbeds/{split}"); }
                catch (Exception e) { Add($"run-testbeds/{split}", "error", e.GetType().Name, e.Message); }
            }
        }

        // Every host type the services provider could give out.
        foreach (var type in HostTypes())
        {
            foreach (var asked in new[] { type, typeof(IEnumerable<>).MakeGenericType(type) })
            {
                object? service;
                try { service = context.Services.GetService(asked); } catch { continue; }
                if (service is null || service is Array { Length: 0 }) continue;
                Add("services", "resolved", asked.FullName ?? asked.Name, service.GetType().FullName ?? "");
                walker.Walk(service, "services");
            }
        }
        Add("spy", "objects", "walked", walker.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllLines(Path.Combine(context.CacheDirectory, FileName), lines.Order(StringComparer.Ordinal));
        context.Log($"ground-truth-spy: {lines.Count} values from {walker.Objects} objects -> {FileName}");
    }

    private static IEnumerable<Type> HostTypes()
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetName().Name is not { } name || !name.StartsWith("HonestyEngine", StringComparison.Ordinal)) continue;
            Type?[] types;
            try { types = assembly.GetTypes(); }
            catch (ReflectionTypeLoadException e) { types = e.Types; }
            foreach (var t in types)
                if (t is { IsGenericTypeDefinition: false, ContainsGenericParameters: false, IsByRefLike: false, IsPointer: false, IsValueType: false }
                    && !(t.IsAbstract && t.IsSealed))
                    yield return t;
        }
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\r", "\\r").Replace("\n", "\\n");
}
