namespace HonestyEngine.Runtime.Tests;

/// <summary>Locates ../shared/fixtures/hf-reference from the repository root (found by walking up to HonestyEngine.sln).</summary>
internal static class Fixtures
{
    public static string RepoRoot { get; } = FindRoot();

    public static string HfReference => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "hf-reference"));
    public static string Model(string name) => Path.Combine(HfReference, "models", name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HonestyEngine.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "he-rt-" + Guid.NewGuid().ToString("N"));
    public TempDir() => Directory.CreateDirectory(Path);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
