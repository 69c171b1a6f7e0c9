namespace HonestyEngine.Engine.Tests.Support;

public static class Repo
{
    public static string Root { get; } = HonestyEngine.Engine.Plugins.PluginRoots.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"HonestyEngine.sln not found above {AppContext.BaseDirectory}.");
}
