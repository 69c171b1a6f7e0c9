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
            Console.Error.WriteLine(ErrorLine(e));
            return 1;
        }
    }

    /// <summary>The one line printed for an unexpected exception: the innermost meaningful exception, so a failing static
    /// constructor (TypeInitializationException, "The type initializer for ... threw an exception.") or a reflection
    /// call shows the message that says what went wrong.</summary>
    internal static string ErrorLine(Exception e)
    {
        string? where = null;
        while (e is System.Reflection.TargetInvocationException or TypeInitializationException or AggregateException { InnerExceptions.Count: 1 }
               && e.InnerException is not null)
        {
            if (e is TypeInitializationException t && where is null) where = $"in the static constructor of {t.TypeName}";
            e = e.InnerException;
        }
        string message = string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"error: {message} ({e.GetType().Name}{(where is null ? "" : ", " + where)}; set HONESTY_DEBUG=1 for the stack trace)";
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
