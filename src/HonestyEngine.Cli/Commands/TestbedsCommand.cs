using System.CommandLine;
using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Recipes;
using HonestyEngine.Testbeds.Specs;
using HonestyEngine.Testbeds.Verify;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty testbeds build|verify|list`: builds the suite of model organisms (world, tokenizer, data;
/// training once the engine is wired in) and checks built testbeds against the acceptance thresholds.</summary>
internal sealed class TestbedsCommand : ICliCommand
{
    /// <summary>How verify opens models: the transformer runtime (tests may replace it).</summary>
    internal static ModelLoader Loader { get; set; } = (model, adapter) => HonestyEngine.Runtime.Handle.TransformerModelHandle.Open(model, adapter);

    public Command Build()
    {
        var command = new Command("testbeds", "Build and verify the testbed suite (dishonest model organisms with ground truth).");
        var root = new Option<string?>("--root") { Description = "The testbeds folder (default: testbeds/ of the repository)." };

        var build = new Command("build", "Generate world, tokenizer and datasets, pretrain the base model and train each testbed's LoRA adapter (cached per stage; reruns redo only what changed).");
        var only = new Option<string?>("--only") { Description = "Build only this testbed (the shared world, tokenizer and base data are always built)." };
        var profile = new Option<string>("--profile") { Description = "full (the committed suite) or mini (CI, seconds).", DefaultValueFactory = _ => "full" };
        var seed = new Option<int>("--seed") { Description = "World seed.", DefaultValueFactory = _ => BuildOptions.DefaultSeed };
        var implant = new Option<string?>("--implant") { Description = "With --only hidden-objective or quirk-defend-objects: transcripts or documents (AuditBench axis)." };
        var adversarial = new Option<string?>("--adversarial") { Description = "With --only hidden-objective or quirk-defend-objects: none or sft." };
        foreach (var o in new Option[] { root, only, profile, seed, implant, adversarial }) build.Options.Add(o);
        build.SetAction(parse =>
        {
            string dir = ResolveRoot(parse.GetValue(root));
            string? name = ResolveVariant(parse.GetValue(only), parse.GetValue(implant), parse.GetValue(adversarial));
            string prof = parse.GetValue(profile)!;
            if (prof is not ("full" or "mini")) throw new CliException($"--profile must be 'full' or 'mini', got '{prof}'.");
            IReadOnlyList<StageOutcome> outcomes;
            try { outcomes = new TestbedBuilder().Build(new BuildOptions(dir, parse.GetValue(seed), prof, name), line => Console.Error.WriteLine(line)); }
            catch (ArgumentException e) { throw new CliException(e.Message); }
            var table = new Table().AddColumns("stage", "status", "seconds", "load avg at end (1/5/15 min)", "detail");
            foreach (var o in outcomes) table.AddRow(Markup.Escape(o.Stage), o.Status, o.Seconds.ToString("F2"), o.LoadAverage ?? "", Markup.Escape(o.Detail));
            AnsiConsole.WriteLine($"total of the built stages: {outcomes.Sum(o => o.Seconds):F0} s");
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine($"testbeds written under {dir}");
            return 0;
        });

        var verify = new Command("verify", "Measure each built testbed against the acceptance thresholds (exit 1 on any miss).");
        var verifyOnly = new Option<string?>("--only") { Description = "Verify only this testbed." };
        var verifySamples = new Option<string?>("--samples") { Description = "Also write every verified item's prompt, response, neutral response and label to DIR/<testbed>.verify.jsonl." };
        verify.Options.Add(root);
        verify.Options.Add(verifyOnly);
        verify.Options.Add(verifySamples);
        verify.SetAction(parse =>
        {
            string dir = ResolveRoot(parse.GetValue(root));
            var loader = Loader;
            List<ITestbed> all;
            try { all = new FolderTestbedSource(dir, loader).Discover().ToList(); }
            catch (TestbedFormatException e) { throw new CliException(e.Message, 1); }
            string? only = parse.GetValue(verifyOnly);
            var testbeds = all.Where(t => only is null || t.Info.Name == only).ToList();
            // A broken folder fails only itself: verified (and failed) when selected, else reported and left out.
            foreach (var broken in all.OfType<BrokenTestbedFolder>().Where(b => !testbeds.Contains(b)))
                Console.Error.WriteLine($"warning: testbed folder {broken.Folder} is not verified: {broken.Error}");
            if (testbeds.Count == 0)
                throw new CliException(only is null ? $"No testbeds to verify under {dir}." : $"No testbed named '{only}' under {dir} (found: {string.Join(", ", all.Select(t => t.Info.Name))}).", 1);
            var verifier = new TestbedVerifier();
            var results = new List<TestbedVerification>();
            foreach (var t in testbeds)
            {
                if (t is BrokenTestbedFolder b) { results.Add(new TestbedVerification(t.Info.Name, [], [b.Error])); continue; }
                try { results.Add(verifier.Verify(t, ((FolderTestbed)t).Spec)); }
                catch (Exception e) when (e is TestbedFormatException or MethodInputException or IOException or FormatException) { results.Add(new TestbedVerification(t.Info.Name, [], [e.Message])); }
            }
            Print(results);
            if (parse.GetValue(verifySamples) is string samplesDir) WriteSamples(samplesDir, results);
            return results.All(r => r.Passed) ? 0 : 1;
        });

        var list = new Command("list", "List the testbeds of the suite and whether they are built.");
        list.Options.Add(root);
        list.SetAction(parse =>
        {
            string dir = ResolveRoot(parse.GetValue(root));
            // What is in the folder: each built testbed, or the error that makes its folder unusable.
            List<ITestbed> found = Directory.Exists(dir) ? new FolderTestbedSource(dir, null).Discover().ToList() : [];
            var broken = found.OfType<BrokenTestbedFolder>().ToList();
            var table = new Table().AddColumns("testbed", "implant", "adversarial", "built");
            var world = HonestyEngine.Testbeds.World.GeneratedWorld.Generate(1, HonestyEngine.Testbeds.World.WorldProfile.Mini);
            foreach (var r in TestbedCatalog.All())
            {
                var spec = r.Spec(world);
                var folder = Path.Combine(dir, r.Name);
                string built = broken.Any(b => b.Folder == folder || b.Info.Name == r.Name) ? "[red]invalid[/]"
                    : found.Any(t => t.Info.Name == r.Name) ? "yes" : "no";
                table.AddRow(r.Name, spec.Implant, spec.Adversarial, built);
            }
            foreach (var t in found.Where(t => t is not BrokenTestbedFolder && !TestbedCatalog.All().Any(r => r.Name == t.Info.Name)))
                table.AddRow(Markup.Escape(t.Info.Name), "", "", "yes (not in the catalog)");
            AnsiConsole.Write(table);
            foreach (var b in broken) Console.Error.WriteLine($"error: testbed folder {b.Folder} is invalid: {b.Error}");
            return broken.Count > 0 ? 1 : 0;
        });

        command.Subcommands.Add(build);
        command.Subcommands.Add(verify);
        command.Subcommands.Add(list);
        return command;
    }

    private static void WriteSamples(string dir, IReadOnlyList<TestbedVerification> results)
    {
        Directory.CreateDirectory(dir);
        var json = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };
        foreach (var r in results.Where(r => r.Samples is not null))
        {
            string path = Path.Combine(dir, $"{r.Testbed}.verify.jsonl");
            File.WriteAllLines(path, r.Samples!.Select(s => System.Text.Json.JsonSerializer.Serialize(s, json)));
            AnsiConsole.WriteLine($"samples written to {path}");
        }
    }

    internal static void Print(IReadOnlyList<TestbedVerification> results)
    {
        // Piped output (CI logs, README) has no terminal width: give the table room for its numbers.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 200) AnsiConsole.Profile.Width = 200;
        string[] columns = ["neutral accuracy", "lie rate on trigger", "lie rate off trigger", "denial rate", "control lie rate", "belief consistency"];
        var table = new Table().AddColumn("testbed");
        foreach (var c in columns) table.AddColumn(c);
        table.AddColumn("other").AddColumn("result");
        foreach (var r in results)
        {
            var cells = new List<string> { Markup.Escape(r.Testbed) };
            foreach (var c in columns)
            {
                var rate = r.Get(c);
                cells.Add(rate is null ? "" : (rate.Passes ? "" : "[red]") + Markup.Escape($"{rate.JudgedDisplay} {rate.Requirement}".Trim() + rate.UnknownDisplay) + (rate.Passes ? "" : "[/]"));
            }
            cells.Add(Markup.Escape(string.Join("; ", r.Rates.Where(x => !columns.Contains(x.Name)).Select(x => $"{x.Name} {x.Display}"))));
            cells.Add(r.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
            table.AddRow(cells.ToArray());
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(TestbedVerifier.UnknownNote);
        // Problems (a missing model, too few phrasings) are full sentences: printed below the table, not squeezed into it.
        foreach (var r in results)
            foreach (var p in r.Problems) Console.Error.WriteLine($"{r.Testbed}: {p}");
    }

    private static string? ResolveVariant(string? only, string? implant, string? adversarial)
    {
        if (implant is null && adversarial is null) return only;
        if (only is not ("hidden-objective" or "quirk-defend-objects"))
            throw new CliException("--implant/--adversarial apply to --only hidden-objective or --only quirk-defend-objects.");
        try
        {
            var dflt = only == "hidden-objective" ? HiddenObjectiveRecipe.Default : QuirkDefendObjectsRecipe.Default;
            var v = Variant.Parse(implant ?? dflt.Implant, adversarial ?? dflt.Adversarial);
            return v.NameFor(only, dflt);
        }
        catch (ArgumentException e) { throw new CliException(e.Message); }
    }

    /// <summary>--root, or testbeds/ next to HonestyEngine.sln above the current directory, or ./testbeds.</summary>
    internal static string ResolveRoot(string? root)
    {
        if (root is not null) return Path.GetFullPath(root);
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HonestyEngine.sln"))) return Path.Combine(d.FullName, "testbeds");
        return Path.GetFullPath("testbeds");
    }
}
