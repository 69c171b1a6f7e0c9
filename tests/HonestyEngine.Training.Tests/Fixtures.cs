namespace HonestyEngine.Training.Tests;

internal static class Fixtures
{
    /// <summary>../shared/fixtures/hf-reference/models/{name}, found by walking up to HonestyEngine.sln.</summary>
    public static string HfModel(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "Could not find HonestyEngine.sln above the test binaries.");
        var path = Path.Combine(dir!.FullName, "..", "shared", "fixtures", "hf-reference", "models", name);
        Assert.True(Directory.Exists(path), $"Missing shared fixture folder {path}.");
        return Path.GetFullPath(path);
    }

    public static string TempFolder(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "honesty-training-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }
}
