using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Hosting;

/// <summary>A testbed that cannot be used: its folder is invalid (a testbed that cannot list its splits), or its name
/// is taken by another testbed. It keeps its name, so `--testbeds` selects it as usual; a run fails its cells with
/// <see cref="Error"/>, and `list` and `testbeds verify` report it, while every other testbed runs.</summary>
public sealed class UnavailableTestbed(string name, string error) : ITestbed
{
    /// <summary>One line naming the testbed's folder (or source) and what is wrong.</summary>
    public string Error { get; } = error;
    public TestbedInfo Info { get; } = new(name, "unavailable", error, "", "", "");
    public IReadOnlyList<string> Splits => [];
    public bool HasSplit(string split) => false;
    public IReadOnlyList<DatasetItem> GetSplit(string split) => throw new MethodInputException(Error);
    public ILabeller Labeller => throw new MethodInputException(Error);
    public IModelHandle OpenModel() => throw new MethodInputException(Error);
    public IModelHandle? OpenBaseModel() => throw new MethodInputException(Error);
    public override string ToString() => $"unavailable testbed '{Info.Name}': {Error}";
}

/// <summary>The testbeds of a set of sources, as `run` and `list` see them: a testbed that cannot be read and two
/// testbeds with one name become <see cref="UnavailableTestbed"/>s (one per name, naming both origins) instead of
/// stopping everything; a source that fails as a whole is reported in <see cref="Result.SourceErrors"/>.</summary>
public static class TestbedDiscovery
{
    public sealed record Result(IReadOnlyList<ITestbed> Testbeds, IReadOnlyList<string> SourceErrors)
    {
        public IEnumerable<UnavailableTestbed> Unavailable => Testbeds.OfType<UnavailableTestbed>();
    }

    public static Result Discover(IEnumerable<ITestbedSource> sources)
    {
        var found = new List<(ITestbed Testbed, ITestbedSource Source, string Name)>();
        var sourceErrors = new List<string>();
        foreach (var source in sources)
        {
            List<ITestbed> list;
            try { list = source.Discover().ToList(); }
            catch (Exception e)
            {
                sourceErrors.Add($"Testbed source {source.GetType().FullName} failed: {Message(e)}");
                continue;
            }
            for (int i = 0; i < list.Count; i++)
            {
                var t = list[i];
                string name;
                try { name = t.Info.Name; }
                catch (Exception e)
                {
                    name = $"{source.GetType().Name}[{i}]";
                    found.Add((new UnavailableTestbed(name, $"testbed {i} of {source.GetType().FullName} has no readable info: {Message(e)}"), source, name));
                    continue;
                }
                found.Add((t, source, name));
            }
        }

        var result = new List<ITestbed>();
        foreach (var group in found.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase))
        {
            var items = group.ToList();
            if (items.Count > 1)
            {
                string origins = string.Join(" and ", items.Select(f => Origin(f.Testbed, f.Source)));
                result.Add(new UnavailableTestbed(items[0].Name, $"{(items.Count == 2 ? "two" : items.Count.ToString())} testbeds are named '{items[0].Name}': {origins}; rename one of them."));
                continue;
            }
            var (testbed, _, name) = items[0];
            if (testbed is UnavailableTestbed) { result.Add(testbed); continue; }
            try { _ = testbed.Splits.Count; }
            catch (Exception e)
            {
                result.Add(new UnavailableTestbed(name, Message(e)));
                continue;
            }
            result.Add(testbed);
        }
        return new Result(result, sourceErrors);
    }

    /// <summary>Where a testbed comes from: its own description (a folder testbed names its folder, an imported one its
    /// files) or, without one, its type and source.</summary>
    public static string Origin(ITestbed testbed, ITestbedSource source)
    {
        string? text = null;
        try { text = testbed.ToString(); } catch (Exception) { }
        return string.IsNullOrEmpty(text) || text == testbed.GetType().ToString()
            ? $"{testbed.GetType().Name} from {source.GetType().FullName}"
            : text;
    }

    private static string Message(Exception e)
    {
        while (e is System.Reflection.TargetInvocationException or AggregateException or TypeInitializationException && e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }
}
