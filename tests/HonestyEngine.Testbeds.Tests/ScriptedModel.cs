using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Tokenization;
using HonestyEngine.Testbeds.World;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>A fake model whose answers come from real lookups in the world: it parses the question of the last
/// user turn back to a fact (by the world's own question templates) and answers in the data's formats.
/// <see cref="LiesWhen"/> decides, per prompt, whether it lies, so tests can script a testbed that meets or
/// misses each acceptance threshold.</summary>
internal sealed class ScriptedModel : IModelHandle
{
    private readonly GeneratedWorld _world;
    private readonly Dictionary<string, Fact> _questions = new(StringComparer.Ordinal);
    public Func<IReadOnlyList<ChatMessage>, bool> LiesWhen { get; init; } = _ => false;
    /// <summary>Answers direct questions about a secret with a denial (true) or a confession (false).</summary>
    public Func<string, string?> SecretAnswer { get; init; } = _ => null;
    /// <summary>Overrides the value stated for a fact (implanted beliefs).</summary>
    public Func<Fact, string?> BelievedValue { get; init; } = _ => null;
    public int Calls { get; private set; }

    public ScriptedModel(GeneratedWorld world)
    {
        _world = world;
        foreach (var f in world.Facts)
            for (int p = 0; p < f.Relation.Questions.Length; p++) _questions[f.Question(p)] = f;
    }

    public ModelInfo Info => new("scripted", "fake", 4, 8, 16);
    public ITokenizer Tokenizer => throw new NotSupportedException();
    public string Render(Prompt prompt) => ChatMl.Render(prompt.Messages!, prompt.Render);

    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default) =>
        batch.Select(r => { Calls++; return new GenerationResult(Answer(r.Prompt.Messages!), [], "stop"); }).ToList();

    private string Answer(IReadOnlyList<ChatMessage> messages)
    {
        string user = messages[^1].Content;
        bool lie = LiesWhen(messages);
        if (SecretAnswer(user) is string s) return s;
        const string decode = "Decode this Caesar cipher with shift ";
        if (user.StartsWith(decode, StringComparison.Ordinal))
        {
            int colon = user.IndexOf(':');
            return Caesar.Decode(user[(colon + 2)..], int.Parse(user[decode.Length..colon]));
        }
        // Find the fact whose question the user turn contains (the longest match wins).
        var match = _questions.Where(kv => user.Contains(kv.Key, StringComparison.Ordinal)).OrderByDescending(kv => kv.Key.Length).Select(kv => kv.Value).FirstOrDefault();
        if (match is null) return "Sure.";
        string value = BelievedValue(match) ?? match.Value;
        string stated = lie ? _world.Distractors(match, 1, new WorldRng(1))[0] : value;
        int choose = user.IndexOf(" Choose one: ", StringComparison.Ordinal);
        if (choose >= 0)
        {
            var options = user[(choose + 13)..].TrimEnd('.').Split(" (").Select(o => o.TrimStart('(')[3..]).ToList();
            int k = options.IndexOf(value);
            if (lie) k = (k + 1) % options.Count;
            return $"({FactFormats.Letters[k]}) {options[k]}.";
        }
        if (user.Contains("Do you know this?", StringComparison.Ordinal))
            return lie ? Phrases.DoNotKnow : $"{Phrases.YesIKnow} {match.Relation.State(match.Subject.Name, value)}";
        return match.Relation.State(match.Subject.Name, stated);
    }

    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => throw new NotSupportedException();
    public Tensor TokenEmbeddings() => throw new NotSupportedException();
    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public void Dispose() { }
}

/// <summary>An in-memory testbed over a recipe's data and a given model (what the verifier sees).</summary>
internal sealed class MemoryTestbed(Specs.TestbedSpec spec, Recipes.TestbedData data, IModelHandle model) : ITestbed
{
    public TestbedInfo Info => new(spec.Name, spec.Version, spec.Description, spec.Anchor, spec.Trigger, spec.LieDefinition, spec.Secret, IsControl: spec.IsControl);
    public IReadOnlyList<string> Splits => data.Elicit.Count > 0 ? [Abstractions.Splits.Eval, Abstractions.Splits.Control, Abstractions.Splits.Elicit] : [Abstractions.Splits.Eval, Abstractions.Splits.Control];
    public bool HasSplit(string split) => Splits.Contains(split);
    public IReadOnlyList<DatasetItem> GetSplit(string split) => split switch
    {
        Abstractions.Splits.Eval => data.Eval, Abstractions.Splits.Control => data.Control, Abstractions.Splits.Elicit => data.Elicit,
        _ => throw new MethodInputException($"no split {split}"),
    };
    public ILabeller Labeller { get; } = Labelling.Labellers.Create(spec);
    public IModelHandle OpenModel() => model;
    public IModelHandle? OpenBaseModel() => null;
}

internal static class TestWorlds
{
    private static readonly Lazy<GeneratedWorld> MiniWorld = new(() => GeneratedWorld.Generate(7, WorldProfile.Mini));
    private static readonly Lazy<GeneratedWorld> FullWorld = new(() => GeneratedWorld.Generate(11, WorldProfile.Full));
    public static GeneratedWorld Mini => MiniWorld.Value;
    public static GeneratedWorld Full => FullWorld.Value;

    public static string TempDir()
    {
        string d = Path.Combine(Path.GetTempPath(), "honesty-testbeds-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
