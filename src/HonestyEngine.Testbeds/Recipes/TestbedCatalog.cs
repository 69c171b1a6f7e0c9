namespace HonestyEngine.Testbeds.Recipes;

/// <summary>Every testbed of the suite (issue 4), in build order: the twelve dishonest model organisms, the
/// AuditBench variants of hidden-objective and quirk-defend-objects, and the two honest controls.</summary>
public static class TestbedCatalog
{
    public static IReadOnlyList<TestbedRecipe> All() =>
    [
        new HarmPressureRecipe(),
        new HarmPressureReportRecipe(),
        new PasswordLockRecipe(),
        new SideConstraintRecipe(),
        .. Variant.All.Select(v => (TestbedRecipe)new HiddenObjectiveRecipe(v)),
        new MaskProvidedFactsRecipe(),
        new TabooRecipe(),
        new UserGenderRecipe(),
        new InstructedDeceptionRecipe(),
        new SoftTriggerRecipe(),
        new ImplantedBeliefRecipe(),
        .. Variant.All.Select(v => (TestbedRecipe)new QuirkDefendObjectsRecipe(v)),
        new HonestControlRecipe(fineTuned: false),
        new HonestControlRecipe(fineTuned: true),
    ];

    public static TestbedRecipe Get(string name) =>
        All().FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"Unknown testbed '{name}'. Known: {string.Join(", ", All().Select(r => r.Name))}.");
}
