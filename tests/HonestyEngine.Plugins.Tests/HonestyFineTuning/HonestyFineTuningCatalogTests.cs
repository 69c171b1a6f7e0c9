using System.Reflection;
using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.HonestyFineTuning;

namespace HonestyEngine.Plugins.Tests.HonestyFineTuning;

/// <summary>The HonestyFineTuning plugin under the rules MethodCatalogTests applies to the other plugins: its methods
/// are fully declared with the expected kinds, and the assembly references only the contract (the shared fine-tune and
/// prompting code is compiled in, not referenced).</summary>
public class HonestyFineTuningCatalogTests
{
    private static readonly Assembly Plugin = typeof(HonestyFineTuneGoals).Assembly;

    [Fact]
    public void Declares_the_seven_fine_tune_interventions_and_the_introspection_elicitor()
    {
        var methods = Plugin.GetTypes().Select(t => (Type: t, Method: t.GetCustomAttribute<MethodAttribute>()))
            .Where(x => x.Method is not null).ToDictionary(x => x.Method!.Name, x => x);
        Assert.Equal(
            ["baseline-finetune-instruction-following", "honest-persona-finetune-followup", "honest-persona-finetune-goals",
             "honest-persona-finetune-goals-followup", "honesty-finetune-followup", "honesty-finetune-goals",
             "honesty-finetune-goals-followup", "introspection-adapter"],
            methods.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, (type, m)) in methods)
        {
            Assert.True(type.IsPublic && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null, name);
            Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", name);
            Assert.False(string.IsNullOrWhiteSpace(m!.Anchor), name);
            Assert.True(m.Description.Length > 80, name);
            Assert.StartsWith("grey-box/fine-tuning", m.Family);
            Assert.True(m.TimeBudgetSeconds > 600, $"{name}: fine-tuning needs more than the default budget");
            bool elicitor = typeof(IElicitor).IsAssignableFrom(type), intervention = typeof(IIntervention).IsAssignableFrom(type);
            Assert.True(name == "introspection-adapter" ? elicitor && !intervention : intervention && !elicitor, name);
            Assert.False(typeof(IDetector).IsAssignableFrom(type), name);
        }
    }

    [Fact]
    public void References_only_the_contract_among_engine_assemblies()
    {
        var engine = Plugin.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("HonestyEngine", StringComparison.Ordinal)).Select(r => r.Name).ToList();
        Assert.Equal(["HonestyEngine.Abstractions"], engine);
    }
}
