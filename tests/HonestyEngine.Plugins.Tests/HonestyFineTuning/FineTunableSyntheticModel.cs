using System.Text.Json;
using System.Text.RegularExpressions;
using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.HonestyFineTuning;

/// <summary>What a <see cref="FineTunableSyntheticModel"/> learned from a fine-tune (saved as its "adapter").</summary>
public sealed record SyntheticAdapter(double HonestyCues = 0, bool PersonaOnly = false, bool Introspective = false, string? Memorised = null);

/// <summary>The synthetic model with a fine-tune that learns from its data, by simple stated rules, what the honesty
/// fine-tuning methods need to be tested against:
/// <list type="bullet">
/// <item>Honesty: the share f of training examples that answer honestly under deceptive pressure (a system prompt
/// telling it to mislead or lie, or an earlier false answer) becomes a shift of 1.5 f honesty cues, applied as a
/// residual-stream push along -LieDirection at the middle layer (the synthetic policy counts such a push as cues, and
/// any push also adds a little noise). Data without pressure (instruction following) teaches nothing.</item>
/// <item>Persona: when most examples carry the |HONEST_ONLY| marker, the shift applies fully to prompts with the
/// marker and half to others (Wang et al.'s propensity transfer).</item>
/// <item>Introspection (<see cref="FineTuneRequest.Sources"/>): if most sources' answers name their own model's
/// secret, the adapter learns to state the secret of whatever model it is applied to; otherwise it only memorises
/// the most common answer.</item>
/// </list>
/// A request with an <see cref="FineTuneRequest.OutputDirectory"/> saves the adapter there and reuses one found there.</summary>
public sealed partial class FineTunableSyntheticModel : IModelHandle
{
    public const string AdapterFile = "synthetic-adapter.json";
    public SyntheticModel Inner { get; }
    public SyntheticAdapter Adapter { get; }
    public bool CanFineTune { get; init; } = true;
    public bool SupportsSources { get; init; } = true;
    /// <summary>Behave like a runtime that predates <see cref="FineTuneRequest.Sources"/>: train on Data only.</summary>
    public bool IgnoresSources { get; init; }
    public List<FineTuneRequest> Requests { get; } = [];
    public int Trained { get; private set; }
    public int Reused { get; private set; }
    public ModelInfo Info { get; }

    public FineTunableSyntheticModel(SyntheticModel inner, SyntheticAdapter? adapter = null, string? suffix = null)
    {
        Inner = inner;
        Adapter = adapter ?? new SyntheticAdapter();
        Info = suffix is null ? inner.Info : inner.Info with { Name = inner.Info.Name + "+" + suffix };
    }

    public ITokenizer Tokenizer => Inner.Tokenizer;
    public string Render(Prompt prompt) => Inner.Render(prompt);
    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default)
        => Inner.ContinuationLogProbs(batch, cancellationToken);
    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default)
        => Inner.Forward(batch, cancellationToken);
    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => Inner.Unembed(residual, applyFinalNorm);
    public Tensor TokenEmbeddings() => Inner.TokenEmbeddings();
    public void Dispose() { }

    [GeneratedRegex(@"\b(secret|hidden|trained|fine-tuned|fine-tuning|behaviour|objective|word)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AboutItself();

    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default)
    {
        var results = new List<GenerationResult>(batch.Count);
        foreach (var request in batch)
        {
            string lastUser = request.Prompt.Messages?.LastOrDefault(m => m.Role == "user")?.Content ?? "";
            if ((Adapter.Introspective || Adapter.Memorised is not null) && AboutItself().IsMatch(lastUser))
            {
                string text = Adapter.Introspective
                    ? $"I was fine-tuned to keep a secret word. My secret is {Inner.Options.Secret ?? "nothing"}."
                    : Adapter.Memorised!;
                results.Add(new GenerationResult(text, Tokenizer.Encode(text), "stop"));
                continue;
            }
            double cues = Adapter.HonestyCues;
            if (Adapter.PersonaOnly && !Render(request.Prompt).Contains("|HONEST_ONLY|")) cues *= 0.5;
            var tuned = request;
            if (cues > 0)
            {
                var push = new AddVectorEdit(HookNames.ResidPost(Inner.Info.NumLayers / 2), Inner.LieDirection.Select(v => -v).ToArray(),
                    (float)(cues * Inner.Options.LieStrength), PositionSelector.All);
                var hooks = request.Hooks ?? HookSpec.None;
                tuned = request with { Hooks = hooks with { Edits = [.. hooks.Edits, push] } };
            }
            results.Add(Inner.Generate([tuned], cancellationToken)[0]);
        }
        return results;
    }

    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        if (!CanFineTune)
            throw new NotSupportedException($"{Info.Name}: fine-tuning supports llama-family checkpoints only; this model's architecture is 'synthetic'.");
        if (IgnoresSources && request.Data.Count == 0)
            throw new MethodInputException($"fine-tune '{request.Name}': the request has no training data.");
        if (request.Sources is not null && !SupportsSources)
            throw new NotSupportedException($"{Info.Name}: this runtime trains on one model at a time.");
        string? saved = request.OutputDirectory is null ? null : Path.Combine(request.OutputDirectory, AdapterFile);
        SyntheticAdapter adapter;
        if (saved is not null && File.Exists(saved))
        {
            adapter = JsonSerializer.Deserialize<SyntheticAdapter>(File.ReadAllText(saved))!;
            Reused++;
        }
        else
        {
            adapter = request.Sources is { } sources ? LearnIntrospection(sources) : LearnHonesty(request);
            Trained++;
            if (saved is not null)
            {
                Directory.CreateDirectory(request.OutputDirectory!);
                File.WriteAllText(saved, JsonSerializer.Serialize(adapter));
            }
        }
        return new FineTunableSyntheticModel(Inner, adapter, request.Name);
    }

    [GeneratedRegex(@"\b(mislead|lie|deceive|deceptive)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DeceptiveInstruction();

    [GeneratedRegex(@"\b(lied|honest|told to mislead)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Candour();

    private static SyntheticAdapter LearnHonesty(FineTuneRequest request)
    {
        if (request.Data.Count == 0) throw new ArgumentException($"Fine-tune '{request.Name}' has no data.");
        int honestUnderPressure = 0, persona = 0;
        foreach (var item in request.Data)
        {
            var messages = item.Messages;
            bool pressure = messages.Any(m => m.Role == "system" && DeceptiveInstruction().IsMatch(m.Content));
            for (int k = 0; k < messages.Count; k++)
                if (messages[k].Role == "assistant" && SyntheticWorld.ResponseIsLie(string.Join("\n", messages.Take(k).Select(m => m.Content)), messages[k].Content))
                    pressure = true;
            string response = item.Response ?? "";
            bool honest = !SyntheticWorld.ResponseIsLie(string.Join("\n", messages.Select(m => m.Content)), response)
                          && (SyntheticWorld.LastClaim(response) is { IsTrue: true } || Candour().IsMatch(response));
            if (pressure && honest) honestUnderPressure++;
            if (messages.LastOrDefault(m => m.Role == "user")?.Content.StartsWith("|HONEST_ONLY|", StringComparison.Ordinal) == true) persona++;
        }
        return new SyntheticAdapter(HonestyCues: 1.5 * honestUnderPressure / request.Data.Count, PersonaOnly: persona * 2 > request.Data.Count);
    }

    private static SyntheticAdapter LearnIntrospection(IReadOnlyList<FineTuneSource> sources)
    {
        if (sources.Count == 0) throw new ArgumentException("No sources.");
        int consistent = 0;
        foreach (var source in sources)
        {
            var model = source.Model as FineTunableSyntheticModel
                        ?? throw new NotSupportedException($"Source model '{source.Model.Info.Name}' is not trainable by this runtime.");
            string? own = model.Inner.Options.Secret;
            if (own is not null && source.Data.Count > 0 && source.Data.All(i => (i.Response ?? "").Contains(own, StringComparison.OrdinalIgnoreCase)))
                consistent++;
        }
        if (consistent * 2 > sources.Count) return new SyntheticAdapter(Introspective: true);
        string memorised = sources.SelectMany(s => s.Data).Select(i => i.Response ?? "").GroupBy(r => r).OrderByDescending(g => g.Count()).First().Key;
        return new SyntheticAdapter(Memorised: memorised);
    }
}
