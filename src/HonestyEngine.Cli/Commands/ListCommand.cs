using System.CommandLine;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty list`: plugins (folder, version, errors), methods (family, kind, anchor, parameters) and testbeds.</summary>
internal sealed class ListCommand : ICliCommand
{
    public Command Build()
    {
        var plugins = new Option<string[]>("--plugins") { Description = "Plugin root folder (repeatable). Default: <repo>/artifacts/plugins and <repo>/plugins." };
        var command = new Command("list", "List plugins (with load errors), methods and testbeds.");
        command.Options.Add(plugins);
        command.SetAction(parseResult =>
        {
            var roots = HostComposition.PluginRootsFor(parseResult.GetValue(plugins));
            var host = HostComposition.Create("cpu", HostComposition.CacheRoot(null), _ => { });
            using var catalog = PluginLoader.Load(roots, host);
            bool testbedProblems = Render(catalog, host.TestbedSources.Concat(catalog.TestbedSources).ToList(), AnsiConsole.Console);
            return catalog.Failed.Any() || testbedProblems ? 1 : 0;
        });
        return command;
    }

    /// <summary>Renders plugins, methods and testbeds; true when some testbed or testbed source is unusable (an invalid
    /// folder, a name used twice), each listed with its folder and error.</summary>
    internal static bool Render(PluginCatalog catalog, IReadOnlyList<ITestbedSource> testbedSources, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]Plugins[/] (roots: {Markup.Escape(string.Join(", ", catalog.Roots))})");
        var pluginTable = new Table().AddColumns("plugin", "version", "folder", "status");
        foreach (var p in catalog.Plugins)
        {
            var status = p.Loaded ? $"[green]{p.Methods.Count} method(s)[/]" + (p.TestbedSourceCount > 0 ? $", {p.TestbedSourceCount} testbed source(s)" : "") : $"[red]{Markup.Escape(p.Error!)}[/]";
            foreach (var w in p.Warnings) status += $"\n[yellow]{Markup.Escape(w)}[/]";
            pluginTable.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Version), Markup.Escape(p.Folder), status);
        }
        if (catalog.Plugins.Count == 0) console.MarkupLine("  (no plugin folders found; build the plugins or pass --plugins)");
        else console.Write(pluginTable);

        console.MarkupLine("[bold]Methods[/]");
        var methodTable = new Table().AddColumns("method", "kind", "family", "anchor", "parameters", "version", "plugin");
        foreach (var m in catalog.Methods)
        {
            var parameters = string.Join("; ", m.Parameters.Select(p =>
                $"{p.Name} = {string.Join(", ", p.Values.Select(MethodDiscovery.FormatValue))} (quick: {string.Join(", ", p.QuickValues.Select(MethodDiscovery.FormatValue))})"));
            if (m.RequiresPrivilegedLabels) parameters = (parameters.Length > 0 ? parameters + "; " : "") + "sees eval labels (privileged)";
            methodTable.AddRow(Markup.Escape(m.Name), m.KindName, Markup.Escape(m.Family), Markup.Escape(m.Attribute.Anchor), Markup.Escape(parameters), Markup.Escape(m.Version), Markup.Escape(m.Plugin?.Name ?? ""));
        }
        console.Write(methodTable);

        console.MarkupLine("[bold]Testbeds[/]");
        var testbedTable = new Table().AddColumns("testbed", "version", "splits", "anchor", "lie definition");
        var discovery = TestbedDiscovery.Discover(testbedSources);
        foreach (var error in discovery.SourceErrors)
            testbedTable.AddRow("[red](source)[/]", "", "", "", $"[red]{Markup.Escape(error)}[/]");
        foreach (var t in discovery.Testbeds)
        {
            if (t is UnavailableTestbed u)
                testbedTable.AddRow($"[red]{Markup.Escape(t.Info.Name)}[/]", "[red]unavailable[/]", "", "", $"[red]{Markup.Escape(u.Error)}[/]");
            else
                testbedTable.AddRow(Markup.Escape(t.Info.Name), Markup.Escape(t.Info.Version), Markup.Escape(string.Join(", ", t.Splits)), Markup.Escape(t.Info.Anchor), Markup.Escape(t.Info.LieDefinition));
        }
        console.Write(testbedTable);
        // The table wraps long cells at the terminal's width: the errors are printed again whole, one line each, on stderr.
        foreach (var error in discovery.SourceErrors) Console.Error.WriteLine($"error: testbed source: {error}");
        foreach (var u in discovery.Unavailable) Console.Error.WriteLine($"error: testbed '{u.Info.Name}' is unavailable: {u.Error}");
        return discovery.SourceErrors.Count > 0 || discovery.Unavailable.Any();
    }
}
