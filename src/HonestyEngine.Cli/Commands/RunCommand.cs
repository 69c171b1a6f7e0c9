using System.CommandLine;
using System.Globalization;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Runtime.Numerics;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty run`: every selected method on every selected testbed, cached per cell, with a report.</summary>
internal sealed class RunCommand : ICliCommand
{
    public Command Build()
    {
        var testbeds = new Option<string[]>("--testbeds") { Description = "Testbed names or globs (comma-separated or repeated). Default: all.", AllowMultipleArgumentsPerToken = true };
        var methods = new Option<string[]>("--methods") { Description = "Method names or globs (comma-separated or repeated). Default: all.", AllowMultipleArgumentsPerToken = true };
        var quick = new Option<bool>("--quick") { Description = "Quick profile: [QuickParams] values and at most 48 items per split." };
        var seed = new Option<int>("--seed") { Description = "Seed for sampling, item selection and bootstrap CIs.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Results folder. Default: results/<yyyyMMdd-HHmmss>/." };
        var device = new Option<string>("--device") { Description = "Compute backend: cpu (SIMD), cuda[:N] or opencl[:N] (ILGPU accelerators).", DefaultValueFactory = _ => "cpu" };
        var parallel = new Option<int>("--parallel") { Description = "Cells run at once (cells of one testbed always run one at a time); each cell gets cores / N GEMM threads.", DefaultValueFactory = _ => Math.Max(1, Math.Min(4, Environment.ProcessorCount)) };
        var plugins = new Option<string[]>("--plugins") { Description = "Plugin root folder (repeatable). Default: <repo>/artifacts/plugins and <repo>/plugins." };
        var cache = new Option<string?>("--cache") { Description = "Cache root (cells, model runs, activations). Default: <repo>/.honesty-cache." };
        var budget = new Option<int>("--time-budget") { Description = "Seconds a cell may run when its method declares no budget.", DefaultValueFactory = _ => 600 };
        var import = new Option<string?>("--import") { Description = "Activations exported elsewhere (safetensors with layer_{i} [N, d]) to run the probe methods on, as testbed --import-name. With it, --testbeds defaults to that testbed alone." };
        var importLabels = new Option<string?>("--import-labels") { Description = "The labels JSONL of --import: one {\"id\", \"label\": 0|1|null, \"split\": \"train\"|\"eval\"|\"control\"} per row." };
        var importName = new Option<string?>("--import-name") { Description = "Testbed name of --import. Default: imported-<file name>." };
        var samples = new Option<int?>("--samples") { Description = "Responses sampled per item for interventions and neutral accuracy. Default: 4 (full), 1 (quick)." };

        var command = new Command("run", "Run every selected method on every selected testbed and write samples.jsonl, results.json/.csv, report.md and report.html.");
        foreach (var o in new Option[] { testbeds, methods, quick, seed, output, device, parallel, plugins, cache, budget, samples, import, importLabels, importName }) command.Options.Add(o);
        command.SetAction(parseResult =>
        {
            try { return Execute(parseResult); }
            // Every error found before a cell runs (options, selection, import files, --out, plugins, testbed sources)
            // exits 1; a run whose cells failed exits 2 (see README, Commands: exit codes).
            catch (CliException e) when (e.ExitCode != ConfigurationError) { throw new CliException(e.Message, ConfigurationError); }
        });
        return command;

        int Execute(ParseResult parseResult)
        {
            int parallelism = parseResult.GetValue(parallel);
            if (parallelism < 1) throw new CliException($"--parallel must be at least 1 (got {parallelism}).");
            if (parseResult.GetValue(budget) < 1) throw new CliException("--time-budget must be at least 1 second.");
            if (parseResult.GetValue(samples) is < 1) throw new CliException("--samples must be at least 1.");
            var cacheRoot = HostComposition.CacheRoot(parseResult.GetValue(cache));
            var outDir = Path.GetFullPath(parseResult.GetValue(output)
                ?? Path.Combine(HostComposition.RepositoryRoot ?? Directory.GetCurrentDirectory(), "results", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
            var deviceName = parseResult.GetValue(device)!;
            if (parseResult.GetValue(import) is null && (parseResult.GetValue(importLabels) ?? parseResult.GetValue(importName)) is not null)
                throw new CliException("--import-labels and --import-name go with --import (the activation file).");
            using var imported = parseResult.GetValue(import) is { } importPath
                ? ImportedTestbedOption.Open(importPath, parseResult.GetValue(importLabels), parseResult.GetValue(importName))
                : null;
            var testbedGlobs = Selection(parseResult, testbeds, "--testbeds");
            var methodGlobs = Selection(parseResult, methods, "--methods");
            var options = new RunOptions
            {
                TestbedGlobs = imported is not null && testbedGlobs.Count == 0 ? [imported.Testbed.Info.Name] : testbedGlobs,
                MethodGlobs = methodGlobs,
                Profile = parseResult.GetValue(quick) ? RunProfile.Quick : RunProfile.Full,
                Seed = parseResult.GetValue(seed),
                OutputDirectory = outDir,
                CacheDirectory = cacheRoot,
                Device = deviceName,
                Parallelism = parallelism,
                DefaultTimeBudget = TimeSpan.FromSeconds(parseResult.GetValue(budget)),
                SamplesPerItem = parseResult.GetValue(samples),
            };
            // Cells running side by side each get their share of the cores for GEMM (inference and training): two cells
            // with two threads each on two cores spent their time waiting for each other (OpenBLAS runs one threaded
            // call at a time). Fixed for the whole run from --parallel alone, never from how many cells happen to be
            // running: OpenBLAS's float summation order depends on its thread count, so a cell's numbers must not
            // depend on scheduling or on which other testbeds are in the run.
            Gemm.Threads = ThreadsPerCell(parallelism);
            return Run(options, HostComposition.PluginRootsFor(parseResult.GetValue(plugins)), imported?.Source);
        }
    }

    /// <summary>Exit code of an error found before any cell ran.</summary>
    internal const int ConfigurationError = 1;
    /// <summary>Exit code of a run in which some cell failed (a declared skip is not a failure).</summary>
    internal const int CellsFailed = 2;

    /// <summary>The globs of --testbeds / --methods. Left out, the option selects everything; given, it must name
    /// something: <c>--methods ''</c> (a shell variable that was empty, say) is an error, not "run all".</summary>
    private static IReadOnlyList<string> Selection(ParseResult parseResult, Option<string[]> option, string flag)
    {
        var globs = Glob.Split(parseResult.GetValue(option));
        if (parseResult.GetResult(option) is { Implicit: false } && globs.Count == 0)
            throw new CliException($"{flag} is empty: it selects nothing. Name the {flag[2..]} to run (names or globs, comma-separated), or leave out {flag} to run all.", ConfigurationError);
        return globs;
    }

    /// <summary>GEMM threads of each cell: the cores divided among the cells that may run at once (at least 1).</summary>
    internal static int ThreadsPerCell(int parallelism) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, parallelism));

    private static int Run(RunOptions options, IReadOnlyList<string> pluginRoots, HonestyEngine.Abstractions.ITestbedSource? imported)
    {
        void Warn(string line) => AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(line)}");
        var host = HostComposition.Create(options.Device, options.CacheDirectory, Warn);
        if (imported is not null) host = host with { TestbedSources = [.. host.TestbedSources, imported] };
        using var catalog = PluginLoader.Load(pluginRoots, host, Warn);
        AnsiConsole.MarkupLine($"[grey]plugins: {Markup.Escape(string.Join(", ", pluginRoots))}; compute: {Markup.Escape(host.Compute.Name)}; cache: {Markup.Escape(options.CacheDirectory)}[/]");

        RunSummary summary;
        var warnings = new List<string>();
        try
        {
            if (AnsiConsole.Profile.Capabilities.Interactive)
            {
                summary = AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .Start(ctx => new RunEngine(host, new RunProgress(ctx, warnings)).Run(catalog, options));
            }
            else
            {
                summary = new RunEngine(host, new TextRunObserver(Console.Out)).Run(catalog, options);
            }
        }
        catch (RunConfigurationException e)
        {
            throw new CliException(e.Message, ConfigurationError);
        }
        foreach (var w in warnings) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(w)}[/]");

        ConsoleSummary.Render(summary.Results, AnsiConsole.Console); // lists failed cells with their errors
        int failed = summary.Results.Cells.Count(c => c.Status == CellStatus.Failed);
        // Plain text, never wrapped: scripts read the failed count from this last line.
        Console.Out.Flush();
        Console.WriteLine($"{summary.ExecutedCells} cells run, {summary.CachedCells} from cache, {failed} failed. Results in {summary.OutputDirectory}");
        return failed == 0 ? 0 : CellsFailed;
    }
}
