namespace HonestyEngine.Engine.Plugins;

/// <summary>Where plugins are looked for when <c>--plugins</c> is not given.</summary>
public static class PluginRoots
{
    public const string SolutionFile = "HonestyEngine.sln";

    /// <summary>The repository root: the first folder at or above <paramref name="start"/> holding HonestyEngine.sln.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        return null;
    }

    /// <summary><c>&lt;repo&gt;/artifacts/plugins</c> (where the built-in plugin projects build) and
    /// <c>&lt;repo&gt;/plugins</c> (where users drop published plugins) when run inside a clone;
    /// otherwise <c>&lt;app&gt;/plugins</c> next to the executable.</summary>
    public static IReadOnlyList<string> Default(string? currentDirectory = null)
    {
        var repo = FindRepositoryRoot(currentDirectory ?? Directory.GetCurrentDirectory());
        if (repo is not null)
            return [Path.Combine(repo, "artifacts", "plugins"), Path.Combine(repo, "plugins")];
        return [Path.Combine(AppContext.BaseDirectory, "plugins")];
    }
}
