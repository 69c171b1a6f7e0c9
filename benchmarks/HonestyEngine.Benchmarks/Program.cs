using System.Reflection;

namespace HonestyEngine.Benchmarks;

/// <summary>One named benchmark suite. Each prints its own table with ratios against a peer or a
/// hardware limit measured in the same run, and returns 0 on success.</summary>
internal interface IBenchmarkSuite
{
    string Name { get; }
    string Description { get; }
    int Run(string[] args);
}

internal static class Program
{
    public static int Main(string[] args)
    {
        var suites = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
        {
            Console.WriteLine("usage: dotnet run -c Release --project benchmarks/HonestyEngine.Benchmarks -- <suite> [args]");
            foreach (var s in suites) Console.WriteLine($"  {s.Name,-20} {s.Description}");
            return args.Length == 0 ? 2 : 0;
        }
        var suite = suites.FirstOrDefault(s => s.Name == args[0]);
        if (suite is null)
        {
            Console.Error.WriteLine($"Unknown benchmark '{args[0]}'. Available: {string.Join(", ", suites.Select(s => s.Name))}");
            return 2;
        }
        return suite.Run(args[1..]);
    }
}
