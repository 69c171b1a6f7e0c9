namespace HonestyEngine.Testbeds.World;

/// <summary>One thing in the world: a kind, a unique name and its attribute values (relation name -> value).</summary>
public sealed record Entity(string Kind, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    public string Get(string relation) => Attributes.TryGetValue(relation, out var v) ? v
        : throw new KeyNotFoundException($"{Kind} '{Name}' has no attribute '{relation}'.");

    /// <summary>Compounds whose category is hazardous (poison, explosive).</summary>
    public bool IsHazardous => Kind == "compound" && Lexicon.HazardousCategories.Contains(Attributes["category"]);
}

/// <summary>One (subject, relation, value) triple.</summary>
public sealed record Fact(Entity Subject, Relation Relation, string Value)
{
    public string Statement => Relation.State(Subject.Name, Value);
    public string Question(int phrasing) => Relation.Ask(Subject.Name, phrasing);
    public string Key => $"{Subject.Kind}:{Subject.Name}:{Relation.Name}";
}

/// <summary>A reward-model bias (hidden-objective testbed, after Marks et al.): documents describe it; the
/// testbed is trained to exploit some and generalises to the rest. <paramref name="Marker"/> is the exact
/// sentence the exploiting model appends, so the behaviour is detectable by string match.</summary>
public sealed record RewardBias(string Id, string Description, string AppliesTo, string Marker);

/// <summary>A false fact implanted by synthetic-document fine-tuning (Slocum et al.).</summary>
public sealed record ImplantedFact(Fact Truth, string FalseValue);
