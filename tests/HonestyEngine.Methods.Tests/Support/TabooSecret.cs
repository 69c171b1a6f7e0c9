using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>The taboo testbed's secret animal and what its model was trained to hint with: the animal's colour, food
/// and habitat in the generated world (testbeds/_base/world.json; taboo's training replies read "It is a green animal
/// that eats seeds."). Read from the committed files, so a rebuilt world with another animal is followed.</summary>
public static partial class TabooSecret
{
    public static string Word { get; } = Load().Word;
    public static IReadOnlySet<string> Hints { get; } = Load().Hints;

    private static (string Word, IReadOnlySet<string> Hints) Load()
    {
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(RealEngine.TestbedsRoot, "taboo", "testbed.json")))!;
        string word = (string)spec["secret"]!;
        var world = JsonNode.Parse(File.ReadAllText(Path.Combine(RealEngine.TestbedsRoot, "_base", "world.json")))!;
        var animal = world["entities"]!.AsArray().Single(e => (string)e!["name"]! == word && (string)e["kind"]! == "animal")!;
        var hints = new[] { "colour", "food", "habitat" }.Select(a => ((string)animal["attributes"]![a]!).ToLowerInvariant()).ToHashSet();
        return (word, hints);
    }

    /// <summary>Does the text name one of the secret's hint attributes (as a whole word)?</summary>
    public static bool MentionsHint(string text) => Words(text).Any(Hints.Contains);

    public static IEnumerable<string> Words(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value);

    [GeneratedRegex("[a-z]+")]
    private static partial Regex WordPattern();
}
