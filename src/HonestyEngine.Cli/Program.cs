using System.CommandLine;
using System.Reflection;

namespace HonestyEngine.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("HonestyEngine: compare lie-detection, honesty and secret-elicitation methods on dishonest model organisms.");
        foreach (var command in DiscoverCommands())
            root.Subcommands.Add(command);
        try
        {
            // The default handler would print CliException with a stack trace; ours prints one line.
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HONESTY_DEBUG") is null)
        {
            // Format errors (safetensors, tokenizer.json, results files, testbed folders) carry a message that
            // names the file and the problem: show that, not a stack trace. HONESTY_DEBUG=1 shows the trace.
            Console.Error.WriteLine($"error: {e.Message} ({e.GetType().Name}; set HONESTY_DEBUG=1 for the stack trace)");
            return 1;
        }
    }

    /// <summary>Every <see cref="ICliCommand"/> in this assembly, ordered by verb name.</summary>
    internal static IEnumerable<Command> DiscoverCommands() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => ((ICliCommand)Activator.CreateInstance(t)!).Build())
            .OrderBy(c => c.Name, StringComparer.Ordinal);
}

/// <summary>A user-facing error: printed as one line, no stack trace.</summary>
internal sealed class CliException(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
