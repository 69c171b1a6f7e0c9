using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>Burns et al.'s contrast pairs built from the true/false statements resource: the same question
/// answered "True" (x+) and "False" (x-). An item's statement is its "statement" metadata or else its last
/// user message; its truth is its "truth" metadata ("true"/"false"), else Label (1 = the statement is false, 0 = true),
/// else TrueAnswer when that is literally "true"/"false" (the testbeds' resource sets all three; TrueAnswer there is
/// the true statement itself).
/// Truth is used only to fix the probe's sign on this training resource, never on a testbed's eval labels.</summary>
internal static class ContrastPairs
{
    public const string Question = "Is the following statement true or false?\n";

    public static (List<Transcript> Positive, List<Transcript> Negative, bool[] IsTrue) Build(MethodContext context)
    {
        var items = context.Resources.Get(ResourceNames.TrueFalseStatements);
        if (items.Count < 2) throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' has {items.Count} statements; CCS needs at least 2.");
        var pos = new List<Transcript>(items.Count);
        var neg = new List<Transcript>(items.Count);
        var truth = new bool[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            string statement = item.GetMeta("statement") ?? item.Response
                ?? item.Messages.LastOrDefault(m => m.Role == "user")?.Content
                ?? throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' item '{item.Id}' has no statement ('statement' metadata, Response or a user message).");
            truth[i] = Truth(item);
            var question = ChatMessage.User(Question + statement);
            pos.Add(new Transcript(item.Id + "+", "train", [question, ChatMessage.Assistant("True")]));
            neg.Add(new Transcript(item.Id + "-", "train", [question, ChatMessage.Assistant("False")]));
        }
        if (truth.All(t => t) || truth.All(t => !t))
            throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' holds only {(truth[0] ? "true" : "false")} statements; CCS's sign cannot be fixed.");
        return (pos, neg, truth);
    }

    private static bool Truth(DatasetItem item)
    {
        switch (item.GetMeta("truth")?.Trim().ToLowerInvariant())
        {
            case "true": return true;
            case "false": return false;
            case null: break;
            case var other: throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' item '{item.Id}' has truth metadata '{other}'; expected \"true\" or \"false\".");
        }
        if (item.Label is 0 or 1) return item.Label == 0;
        return item.TrueAnswer?.Trim().ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw new MethodInputException($"Resource '{ResourceNames.TrueFalseStatements}' item '{item.Id}' has no truth value: set metadata truth=\"true\"/\"false\", Label 0 (true) / 1 (false), or TrueAnswer \"true\"/\"false\"."),
        };
    }

}
