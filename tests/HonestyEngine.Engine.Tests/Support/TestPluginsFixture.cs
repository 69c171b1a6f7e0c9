using System.Diagnostics;

namespace HonestyEngine.Engine.Tests.Support;

/// <summary>Builds the plugin projects under tests/TestPlugins (outside the solution) once for the whole test run,
/// with one `dotnet build` child process, into a temp folder. Tests copy the plugin folders they need into their own
/// plugins root.</summary>
public sealed class TestPluginsFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TestPluginsFixture()
    {
        BuiltRoot = _dir.Sub("built");
        var solution = System.IO.Path.Combine(Repo.Root, "tests", "TestPlugins", "TestPlugins.slnx");
        var (code, output) = Dotnet.Run(Repo.Root, TimeSpan.FromMinutes(8), "build", solution, "-c", "Release", $"-p:TestPluginsOut={BuiltRoot}/", "-nologo", "-v:q");
        if (code != 0) throw new InvalidOperationException($"Building the test plugins failed (exit {code}):\n{output}");
    }

    /// <summary>Folder holding one subfolder per built plugin (HonestProbes, LegacyJsonPlugin, FaultyPlugins, FutureContractPlugin, GroundTruthSpy, StaticInitPlugin).</summary>
    public string BuiltRoot { get; }

    /// <summary>A fresh plugins root with copies of the named plugin folders.</summary>
    public string PluginsRoot(TempDir dir, params string[] plugins)
    {
        var root = dir.Sub("plugins");
        foreach (var p in plugins) CopyDirectory(System.IO.Path.Combine(BuiltRoot, p), System.IO.Path.Combine(root, p));
        Directory.CreateDirectory(root);
        return root;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, System.IO.Path.Combine(to, System.IO.Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.GetDirectories(from)) CopyDirectory(d, System.IO.Path.Combine(to, System.IO.Path.GetFileName(d)));
    }

    public void Dispose() => _dir.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TestPluginsCollection : ICollectionFixture<TestPluginsFixture>
{
    public const string Name = "test plugins";
}

public static class Dotnet
{
    public static (int Code, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        // Do not let the test host's MSBuild settings leak into the child build.
        psi.Environment.Remove("MSBuildExtensionsPath");
        psi.Environment.Remove("MSBuildSDKsPath");
        psi.Environment.Remove("MSBUILD_EXE_PATH");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{stdout.Result}{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
