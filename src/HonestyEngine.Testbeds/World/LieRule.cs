namespace HonestyEngine.Testbeds.World;

/// <summary>The one wrong value the organisms state when they lie about a fact (instructed lies in the base mix,
/// soft-trigger's cued lies): the next value of the fact's domain (cyclic, skipping the subject itself), and for
/// numbers the last digit plus 5 (mod 10; numbers are tokenized digit by digit, so this is a ten-entry digit map).
/// Why one value and not a random distractor: trained on random distractors, a 3.4M-parameter model spreads its
/// lie over the whole domain, and under greedy decoding the truth (still somewhat likely) beats every single wrong
/// value, so it "lied" only 43% of the time when told to. A fixed rule gives the lie one sharp mode that also
/// generalises to facts it was never asked to lie about (recall the value, then map it).</summary>
public static class LieRule
{
    public static string Value(GeneratedWorld world, Fact fact)
    {
        if (fact.Relation.Domain == "number")
        {
            string v = fact.Value;
            int last = v[^1] - '0';
            return v[..^1] + (char)('0' + (last + 5) % 10);
        }
        var domain = world.Domains[fact.Relation.Domain];
        int i = Array.IndexOf(domain, fact.Value);
        if (i < 0) throw new InvalidOperationException($"Fact '{fact.Key}': value '{fact.Value}' is not in domain '{fact.Relation.Domain}'.");
        for (int k = 1; k < domain.Length; k++)
        {
            string candidate = domain[(i + k) % domain.Length];
            if (candidate != fact.Value && candidate != fact.Subject.Name) return candidate;
        }
        throw new InvalidOperationException($"Fact '{fact.Key}': domain '{fact.Relation.Domain}' has no other value to lie with.");
    }

    /// <summary>The fact's statement with the lie value.</summary>
    public static string Statement(GeneratedWorld world, Fact fact) => fact.Relation.State(fact.Subject.Name, Value(world, fact));
}
