namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>Locates committed test inputs (golden values, approved files) in the source tree by walking up from
/// the test binaries to HonestyEngine.sln, so a failing approval test can write its .received file beside them.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestsSource => Path.Combine(Root, "tests", "HonestyEngine.Engine.Tests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException($"HonestyEngine.sln not found above {AppContext.BaseDirectory}.");
    }
}
