using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;

namespace HonestyEngine.Engine.Tests.ChildHost;

/// <summary>Entry point of this test assembly when run as a process (`dotnet exec HonestyEngine.Engine.Tests.dll run ...`):
/// a run host with the test services, used by the kill -9 test. Under `dotnet test` it is not used.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "run")
        {
            Console.Error.WriteLine("usage: run --plugins DIR --cache DIR --out DIR [--methods GLOB] [--testbeds GLOB] [--seed N] [--parallel N]");
            return 2;
        }
        var opts = new Dictionary<string, string>();
        for (int i = 1; i + 1 < args.Length; i += 2) opts[args[i]] = args[i + 1];
        var host = TestHost.Services();
        using var plugins = PluginLoader.Load([opts["--plugins"]], host, Console.Error.WriteLine);
        var options = new RunOptions
        {
            ReferenceRows = false,
            OutputDirectory = opts["--out"],
            CacheDirectory = opts["--cache"],
            MethodGlobs = opts.TryGetValue("--methods", out var m) ? [m] : [],
            TestbedGlobs = opts.TryGetValue("--testbeds", out var t) ? [t] : [],
            Seed = opts.TryGetValue("--seed", out var s) ? int.Parse(s) : 0,
            Parallelism = opts.TryGetValue("--parallel", out var p) ? int.Parse(p) : 1,
            Profile = RunProfile.Full,
        };
        var summary = new RunEngine(host, new TextRunObserver(Console.Out)).Run(plugins, options);
        Console.WriteLine($"done: {summary.ExecutedCells} executed, {summary.CachedCells} cached");
        return 0;
    }
}
