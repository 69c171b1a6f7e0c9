using System.Reflection;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests;

/// <summary>What `honesty list` and the plugin host rely on: every method class is public, declares its name,
/// family, anchor and description, implements exactly one method kind, has a parameterless constructor, and every
/// plugin assembly references only the contract among HonestyEngine assemblies.</summary>
public class MethodCatalogTests
{
    private static readonly Assembly[] PluginAssemblies =
    [
        typeof(HonestyEngine.Plugins.Probes.LogisticProbe).Assembly,
        typeof(HonestyEngine.Plugins.SelfReport.SelfClassification).Assembly,
        typeof(HonestyEngine.Plugins.Prompting.HonestSystemPrompt).Assembly,
        typeof(HonestyEngine.Plugins.Elicitation.AssistantPrefill).Assembly,
        typeof(HonestyEngine.Plugins.Steering.Fuzzing).Assembly,
        typeof(HonestyEngine.Plugins.WhiteBoxElicitation.LogitLens).Assembly,
    ];

    private static IEnumerable<(Type Type, MethodAttribute Method)> Methods()
        => PluginAssemblies.SelectMany(a => a.GetTypes())
            .Select(t => (t, t.GetCustomAttribute<MethodAttribute>()))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.t, x.Item2!));

    [Fact]
    public void Every_method_is_fully_declared_and_names_are_unique()
    {
        var methods = Methods().ToList();
        Assert.Equal(34, methods.Count);
        Assert.Equal(methods.Count, methods.Select(m => m.Method.Name).Distinct().Count());
        foreach (var (type, m) in methods)
        {
            Assert.True(type.IsPublic && !type.IsAbstract, type.Name);
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", m.Name);
            Assert.False(string.IsNullOrWhiteSpace(m.Anchor), m.Name);
            Assert.True(m.Description.Length > 80, $"{m.Name}: description too short");
            Assert.NotEqual("other", m.Family);
            int kinds = new[] { typeof(IDetector), typeof(IIntervention), typeof(IElicitor) }.Count(k => k.IsAssignableFrom(type));
            Assert.True(kinds == 1, $"{m.Name} implements {kinds} method kinds");
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
            foreach (var p in type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null))
            {
                Assert.True(p.CanWrite, $"{m.Name}.{p.Name}");
                foreach (var v in p.GetCustomAttribute<ParamsAttribute>()!.Values) Assert.IsType(p.PropertyType, v);
            }
        }
    }

    [Fact]
    public void Only_the_upper_bound_probe_sees_privileged_labels_and_it_says_so()
    {
        var privileged = Methods().Where(m => m.Type.GetCustomAttribute<RequiresPrivilegedLabelsAttribute>() is not null).ToList();
        var (_, method) = Assert.Single(privileged);
        Assert.Contains("upper-bound", method.Name);
        Assert.Contains("privileged", method.Name);
    }

    [Fact]
    public void Plugins_reference_only_the_contract_among_engine_assemblies()
    {
        foreach (var a in PluginAssemblies)
        {
            var engine = a.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("HonestyEngine", StringComparison.Ordinal)).Select(r => r.Name).ToList();
            Assert.Equal(["HonestyEngine.Abstractions"], engine);
        }
    }
}
