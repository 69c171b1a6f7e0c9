using System.Diagnostics;

namespace HonestyEngine.Cli.Tests;

/// <summary>The repository this test build belongs to.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();
    public static string Plugins => Path.Combine(Root, "artifacts", "plugins");
    public static string Testbeds => Path.Combine(Root, "testbeds");
    public static string HfReference => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "hf-reference"));

    /// <summary>The built CLI of the same configuration as this test assembly (bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string CliDll
    {
        get
        {
            // HONESTY_CLI_DLL runs these tests against another build (e.g. the code before a fix, to see them fail).
            if (Environment.GetEnvironmentVariable("HONESTY_CLI_DLL") is { Length: > 0 } other) return other;
            var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string configuration = tfmDir.Parent!.Name;
            return Path.Combine(Root, "src", "HonestyEngine.Cli", "bin", configuration, tfmDir.Name, "honesty.dll");
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HonestyEngine.sln"))) return d.FullName;
        throw new InvalidOperationException("HonestyEngine.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A throwaway "repository" folder (HonestyEngine.sln marks it) whose testbeds/ holds links to the committed
/// base model, resources and chosen testbeds, plus whatever broken folders a test adds. The CLI run inside it sees only
/// those testbeds.</summary>
internal sealed class FakeRepo : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("honesty-cli-").FullName;
    public string TestbedsDir => System.IO.Path.Combine(Path, "testbeds");
    public string Cache => System.IO.Path.Combine(Path, "cache");
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public FakeRepo(params string[] testbeds)
    {
        File.WriteAllText(Sub("HonestyEngine.sln"), "");
        Directory.CreateDirectory(TestbedsDir);
        foreach (var shared in new[] { "_base", "_resources" }.Concat(testbeds))
            Link(shared, shared);
    }

    /// <summary>testbeds/&lt;name&gt; as a link to the committed testbeds/&lt;target&gt;.</summary>
    public void Link(string name, string target) =>
        Directory.CreateSymbolicLink(System.IO.Path.Combine(TestbedsDir, name), System.IO.Path.Combine(Repo.Testbeds, target));

    /// <summary>testbeds/&lt;name&gt;/testbed.json with the given text.</summary>
    public string Broken(string name, string testbedJson)
    {
        var dir = System.IO.Path.Combine(TestbedsDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(System.IO.Path.Combine(dir, "testbed.json"), testbedJson);
        return dir;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public string Output => Stdout + Stderr;
    public string LastLine => Stdout.TrimEnd().Split('\n').Last().Trim();
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    /// <summary>Every "error:" line of stderr, and the check that no stack trace was printed.</summary>
    public IReadOnlyList<string> ErrorLines()
    {
        Assert.DoesNotContain("   at ", Stderr);
        Assert.DoesNotContain("   at ", Stdout);
        return Stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
    }
}

internal static class Cli
{
    /// <summary>Runs `dotnet honesty.dll args` in <paramref name="workingDirectory"/>; a run past the timeout is killed
    /// and reported with exit code -1 (so a test of "fails before running anything" fails rather than waits).</summary>
    public static CliResult Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Repo.CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("HONESTY_DEBUG");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CliResult(-1, stdout.Result, stderr.Result + $"\n(killed after {timeout.TotalSeconds} s)", clock.Elapsed);
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }
}
