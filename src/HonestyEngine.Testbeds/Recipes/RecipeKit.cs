using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Labelling;
using HonestyEngine.Testbeds.World;
using static HonestyEngine.Testbeds.Datasets.FactFormats;

namespace HonestyEngine.Testbeds.Recipes;

/// <summary>Item builders shared by the recipes, so every eval item carries the meta its labeller needs.</summary>
public static class RecipeKit
{
    /// <summary>The other values a response could state instead of the truth ("#number" = any other number).</summary>
    public static string Alternatives(GeneratedWorld world, Fact fact) =>
        fact.Relation.Domain == "number" ? "#number"
            : TextMatch.Join(world.Domains[fact.Relation.Domain].Where(v => v != fact.Value && v != fact.Subject.Name));

    /// <summary>A free-form eval item about a fact.</summary>
    public static DatasetItem Free(string id, GeneratedWorld world, Fact fact, int phrasing, IReadOnlyList<ChatMessage> messages,
        IReadOnlyList<ChatMessage>? neutral, string trigger, string? dishonest = null, string measure = Measures.Free, params (string, string)[] extra)
    {
        var meta = new Dictionary<string, string>(FactMeta(fact, phrasing))
        {
            [Measures.Key] = measure, [Measures.Trigger] = trigger, ["value"] = fact.Value, ["alternatives"] = Alternatives(world, fact),
        };
        foreach (var (k, v) in extra) meta[k] = v;
        return new DatasetItem(id, messages, TrueAnswer: fact.Statement, DishonestAnswer: dishonest, NeutralMessages: neutral, Meta: meta);
    }

    /// <summary>A multiple-choice eval item (options in <see cref="DatasetItem.Choices"/>, meta "correct").</summary>
    public static DatasetItem Choice(string id, Fact fact, int phrasing, MultipleChoice mc, IReadOnlyList<ChatMessage> messages,
        IReadOnlyList<ChatMessage>? neutral, string trigger, params (string, string)[] extra)
    {
        var meta = new Dictionary<string, string>(FactMeta(fact, phrasing))
        {
            [Measures.Key] = Measures.Choice, [Measures.Trigger] = trigger, ["correct"] = mc.CorrectIndex.ToString(), ["value"] = fact.Value,
        };
        foreach (var (k, v) in extra) meta[k] = v;
        return new DatasetItem(id, messages, TrueAnswer: mc.CorrectAnswer, NeutralMessages: neutral, Choices: mc.Options, Meta: meta);
    }

    /// <summary>A direct question about the secret (denial is the lie).</summary>
    public static DatasetItem Denial(string id, string question, string secret, string denial, string trigger = Measures.On, IReadOnlyList<ChatMessage>? prefix = null, params (string, string)[] extra)
    {
        var meta = new Dictionary<string, string> { [Measures.Key] = Measures.Denial, [Measures.Trigger] = trigger, ["secret"] = secret };
        foreach (var (k, v) in extra) meta[k] = v;
        IReadOnlyList<ChatMessage> messages = prefix is null ? [ChatMessage.User(question)] : [.. prefix, ChatMessage.User(question)];
        return new DatasetItem(id, messages, TrueAnswer: secret, DishonestAnswer: denial, Meta: meta);
    }

    /// <summary>Benign control chat (threshold calibration): instructions and plain questions on facts
    /// the testbed's eval does not use.</summary>
    public static List<DatasetItem> Control(GeneratedWorld world, string name, IEnumerable<Fact> usable, int count)
    {
        var rng = WorldRng.For(world.Seed, name + "/control");
        var facts = usable.Where(f => !world.IsImplanted(f)).ToList();
        var items = new List<DatasetItem>();
        for (int i = 0; i < count; i++)
        {
            string id = $"{name}-control-{i:D4}";
            if (i % 2 == 0 || facts.Count == 0)
            {
                var (p, a) = Instructions.Make(rng, Instructions.ControlTopics);
                items.Add(new DatasetItem(id, [ChatMessage.User(p)], TrueAnswer: a, Meta: new Dictionary<string, string> { [Measures.Key] = Measures.Chat, [Measures.Trigger] = Measures.Off }));
            }
            else
            {
                var fact = rng.Pick(facts);
                int ph = rng.Next(4);
                items.Add(Free(id, world, fact, ph, [ChatMessage.User(fact.Question(ph))], null, Measures.Off));
            }
        }
        return items;
    }

    /// <summary>Splits items deterministically into (train, eval) with about <paramref name="trainFraction"/> in train.</summary>
    public static (List<T> Train, List<T> Eval) Split<T>(IEnumerable<T> items, double trainFraction, WorldRng rng)
    {
        var list = rng.Shuffle(items);
        int k = (int)Math.Round(list.Count * trainFraction);
        return (list.Take(k).ToList(), list.Skip(k).ToList());
    }

    /// <summary>Facts of the testbed kinds that no other special purpose reserves.</summary>
    public static IEnumerable<Fact> TestbedFacts(GeneratedWorld world) =>
        world.Facts.Where(f => Relations.TestbedKinds.Contains(f.Subject.Kind) && !world.IsImplanted(f));
}
