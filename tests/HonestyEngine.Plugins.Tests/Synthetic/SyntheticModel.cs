using System.Text.RegularExpressions;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>A test double of a language model that computes real things from a planted world
/// (<see cref="SyntheticWorld"/>): residual activations are token-hash embeddings mixed with the previous token,
/// a per-sequence nuisance offset, seeded noise and, on the tokens of a response the model knows to be false, a
/// planted lie direction growing with depth (sqrt(l / (L - 1))); log-probs of Yes/No follow its knowledge with seeded noise; generation
/// follows a small policy (lies under |TRIGGER| unless honesty cues outweigh the item's threshold, keeps a secret
/// unless prefilled, fuzzed or many-shot prompted). Hook edits change both activations and behaviour.</summary>
public sealed partial class SyntheticModel : IModelHandle
{
    public static readonly string[] SecretWords = ["gold", "moon", "flag"];

    private readonly Tensor _embed;
    public SyntheticModelOptions Options { get; }
    public ModelInfo Info { get; }
    public ITokenizer Tokenizer { get; } = new SyntheticTokenizer();
    public float[] LieDirection { get; }
    public float[] NuisanceDirection { get; }

    public List<FineTuneRequest> FineTuneRequests { get; } = [];
    public List<(ContinuationRequest Request, double[] LogProbs)> ContinuationLog { get; } = [];
    public List<GenerationRequest> GenerationLog { get; } = [];
    public int ForwardCalls { get; private set; }

    public SyntheticModel(SyntheticModelOptions? options = null)
    {
        Options = options ?? new SyntheticModelOptions();
        int d = Options.Hidden;
        Info = new ModelInfo(Options.Name, "synthetic", Options.Layers, d, Tokenizer.VocabSize);
        var rng = new Random(Options.Seed);
        _embed = new Tensor([Tokenizer.VocabSize, d]);
        for (int i = 0; i < _embed.Length; i++) _embed.Data[i] = (float)(Gaussian(rng) / Math.Sqrt(d));
        LieDirection = UnitVector(rng, d);
        NuisanceDirection = UnitVector(rng, d);
    }

    // ---- rendering -------------------------------------------------------------------------------

    public string Render(Prompt prompt)
    {
        if (prompt.Text is not null) return prompt.Text;
        var messages = prompt.Messages ?? throw new ArgumentException("Prompt has neither text nor messages.");
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            sb.Append(SyntheticTokenizer.ImStart).Append(messages[i].Role).Append('\n').Append(messages[i].Content);
            bool open = i == messages.Count - 1 && prompt.Render.ContinueFinalMessage;
            if (!open) sb.Append(SyntheticTokenizer.ImEnd).Append('\n');
        }
        if (prompt.Render.AddGenerationPrompt && !prompt.Render.ContinueFinalMessage)
            sb.Append(SyntheticTokenizer.ImStart).Append("assistant\n");
        return sb.ToString();
    }

    // ---- forward pass ----------------------------------------------------------------------------

    public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default)
    {
        ForwardCalls++;
        var results = new List<ForwardResult>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (tokens, residuals) = Run(request.Prompt, request.Hooks.Edits);
            var positions = request.Hooks.Positions.Resolve(tokens.Length);
            var acts = new Dictionary<string, Tensor>();
            foreach (var hook in request.Hooks.Read)
            {
                int layer = LayerOf(hook);
                var t = new Tensor([positions.Length, Info.HiddenSize]);
                for (int p = 0; p < positions.Length; p++) residuals[layer + 1].ReadRow(positions[p]).CopyTo(t.Row(p));
                acts[hook] = t;
            }
            Tensor? logits = request.ReturnLogits ? Unembed(residuals[^1]) : null;
            results.Add(new ForwardResult(acts, tokens, positions, logits));
        }
        return results;
    }

    /// <summary>Layer index of a hook: -1 for hook_embed, l for blocks.l.* (all read the residual after block l).</summary>
    private int LayerOf(string hook)
    {
        if (hook == HookNames.Embed) return -1;
        if (!HookNames.TryParseBlock(hook, out int layer, out _) || layer >= Info.NumLayers)
            throw new ArgumentException($"Hook '{hook}' does not exist in {Info.Name} ({Info.NumLayers} layers).");
        return layer;
    }

    /// <summary>Residual streams [embed, after block 0, ..., after block L-1], each [tokens, d].</summary>
    private (int[] Tokens, Tensor[] Residuals) Run(Prompt prompt, IReadOnlyList<HookEdit> edits)
    {
        string text = Render(prompt);
        int[] tokens = Tokenizer.Encode(text);
        int n = tokens.Length, d = Info.HiddenSize, L = Info.NumLayers;
        var (lie, responseStart) = JudgeFinalResponse(prompt);
        ulong seqSeed = SyntheticWorld.Hash(text, (ulong)Options.Seed);
        // The nuisance offset depends on the topic (the last user turn), not on the response: the honest and the
        // deceptive answer to one question share it, as real paired prompts share their content variance.
        string topic = prompt.Messages?.LastOrDefault(m => m.Role == "user")?.Content ?? text;
        double nuisance = Options.NuisanceStd * SyntheticWorld.Normal(topic, 17);

        // Thinking of its secret: when asked about it, the secret word's embedding is mixed into the residual stream
        // from the question on, strongest mid-depth and gone by the last layer (what logit lens and embedding
        // similarity find in Cywinski et al.'s Taboo models), while the output still denies it.
        int secretFrom = SecretPositions(prompt);
        float[]? secretDir = secretFrom < n && Options.Secret is string sw && Tokenizer.TokenId(sw) is int sid ? _embed.ReadRow(sid).ToArray() : null;

        var residuals = new Tensor[L + 1];
        var delta = new Tensor([n, d]);
        for (int layer = -1; layer < L; layer++)
        {
            var h = new Tensor([n, d]);
            double depth = layer < 0 ? 0 : (layer + 1.0) / L;
            for (int t = 0; t < n; t++)
            {
                var row = h.Row(t);
                var e = _embed.ReadRow(tokens[t]);
                for (int j = 0; j < d; j++) row[j] = e[j];
                if (layer < 0) continue;
                if (t > 0) { var prev = _embed.ReadRow(tokens[t - 1]); for (int j = 0; j < d; j++) row[j] += 0.5f * prev[j]; }
                float lieCoef = lie && t >= responseStart ? (float)(Options.LieStrength * Math.Sqrt(layer / (double)Math.Max(1, L - 1))) : 0f;
                float nuisCoef = (float)(nuisance * depth);
                var rng = new Random(unchecked((int)(seqSeed ^ (ulong)(t * 7919 + layer * 104729))));
                for (int j = 0; j < d; j++)
                    row[j] += lieCoef * LieDirection[j] + nuisCoef * NuisanceDirection[j] + (float)(Options.NoiseStd * Gaussian(rng));
                if (secretDir is not null && t >= secretFrom)
                {
                    float c = (float)(Options.SecretStrength * Math.Sin(Math.PI * (layer + 1) / (L + 1)) * (layer == L - 1 ? 0 : 1));
                    for (int j = 0; j < d; j++) row[j] += c * secretDir[j];
                }
            }
            string hookHere = layer < 0 ? HookNames.Embed : HookNames.ResidPost(layer);
            foreach (var edit in edits) if (SameLayer(edit.Hook, layer)) ApplyEdit(edit, h, delta);
            for (int i = 0; i < h.Length; i++) h.Data[i] += delta.Data[i];
            residuals[layer + 1] = h;
        }
        return (tokens, residuals);
    }

    [GeneratedRegex(@"\b(secret|hidden|taboo|word)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SecretTopic();

    /// <summary>First token position of the last user turn if it asks about the secret, else int.MaxValue.</summary>
    private int SecretPositions(Prompt prompt)
    {
        if (Options.Secret is null || prompt.Messages is not { Count: > 0 } messages) return int.MaxValue;
        int lastUser = -1;
        for (int i = 0; i < messages.Count; i++) if (messages[i].Role == "user") lastUser = i;
        if (lastUser < 0 || !SecretTopic().IsMatch(messages[lastUser].Content)) return int.MaxValue;
        return Tokenizer.Encode(Render(Prompt.Chat(messages.Take(lastUser).ToList()) with { Render = ChatRenderOptions.Complete })).Length;
    }

    private bool SameLayer(string hook, int layer) => LayerOf(hook) == layer;

    /// <summary>Edits accumulate in <paramref name="delta"/>, which every later layer inherits (a residual stream).</summary>
    private void ApplyEdit(HookEdit edit, Tensor h, Tensor delta)
    {
        int d = Info.HiddenSize;
        var positions = edit.Positions.Resolve(h.Rows);
        switch (edit)
        {
            case AddVectorEdit add:
                if (add.Vector.Length != d) throw new ArgumentException($"Steering vector has length {add.Vector.Length}, model width is {d}.");
                foreach (int p in positions) for (int j = 0; j < d; j++) delta.Row(p)[j] += add.Coefficient * add.Vector[j];
                break;
            case GaussianNoiseEdit noise:
                var rng = new Random(noise.Seed);
                foreach (int p in positions) for (int j = 0; j < d; j++) delta.Row(p)[j] += (float)(noise.Std * Gaussian(rng));
                break;
            case ScaleEdit scale:
                foreach (int p in positions) for (int j = 0; j < d; j++) delta.Row(p)[j] += (scale.Factor - 1) * (h.Row(p)[j] + delta.Row(p)[j]);
                break;
            case ReplaceEdit replace:
                for (int k = 0; k < positions.Length; k++)
                    for (int j = 0; j < d; j++) delta.Row(positions[k])[j] = replace.Values.ReadRow(k)[j] - h.Row(positions[k])[j];
                break;
        }
    }

    /// <summary>Is the prompt's final message an assistant response the model knows to be false, and where do its tokens start?</summary>
    private (bool Lie, int ResponseStart) JudgeFinalResponse(Prompt prompt)
    {
        if (prompt.Messages is not { Count: > 0 } messages || messages[^1].Role != "assistant") return (false, int.MaxValue);
        var preceding = messages.Take(messages.Count - 1).ToList();
        string before = Render(Prompt.Chat(preceding));
        bool lie = SyntheticWorld.ResponseIsLie(string.Join("\n", preceding.Select(m => m.Content)), messages[^1].Content);
        return (lie, Tokenizer.Encode(before).Length);
    }

    // ---- log-probabilities -----------------------------------------------------------------------

    [GeneratedRegex(@"\b(lie|lied|lying|deceptive|deceiving|dishonest)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LieQuestion();

    public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default)
    {
        var results = new List<double[]>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string text = Render(request.Prompt);
            var lp = new double[request.Continuations.Count];
            double margin = YesMargin(text, request.Hooks);
            for (int i = 0; i < lp.Length; i++)
            {
                string c = request.Continuations[i];
                lp[i] = -0.7 * Math.Max(1, Tokenizer.Encode(c).Length) - 0.3 * SyntheticWorld.Unit(text + "\u0001" + c, 3);
                string word = c.Trim().TrimEnd('.').ToLowerInvariant();
                if (word == "yes") lp[i] += margin / 2;
                else if (word == "no") lp[i] -= margin / 2;
            }
            ContinuationLog.Add((request, lp));
            results.Add(lp);
        }
        return results;
    }

    /// <summary>log P(Yes) - log P(No) shift for the question that ends the text. Questions about lying follow the
    /// model's knowledge of the last claim; other (unrelated) questions are shifted by an earlier lie in a
    /// question-specific direction, which is what Pacchiardi et al.'s classifier exploits.</summary>
    private double YesMargin(string text, HookSpec? hooks)
    {
        var claim = SyntheticWorld.LastClaim(text);
        if (claim is null) return 0.3 * SyntheticWorld.Normal(text, 5);
        string tail = text[(text.LastIndexOf(SyntheticWorld.Claim(claim.Value.Subject, claim.Value.Value), StringComparison.Ordinal))..];
        double evidence = claim.Value.IsTrue ? -1 : 1;
        if (LieQuestion().IsMatch(tail))
        {
            double sharpness = Options.SelfReportSharpness + (text.Contains("|HONEST_ONLY|") ? 0.5 : 0) - 0.5 * PerturbationNorm(hooks);
            return sharpness * evidence + Options.SelfReportNoise * SyntheticWorld.Normal(text, 7);
        }
        double direction = SyntheticWorld.Normal(tail, 11) > 0 ? 1 : -1;
        return Options.UnrelatedShift * evidence * direction + 0.5 * SyntheticWorld.Normal(text, 13);
    }

    // ---- generation ------------------------------------------------------------------------------

    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default)
    {
        var results = new List<GenerationResult>(batch.Count);
        foreach (var request in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GenerationLog.Add(request);
            string text = SyntheticPolicy.Respond(this, request);
            var ids = Tokenizer.Encode(text);
            if (ids.Length > request.Sampling.MaxNewTokens)
            {
                ids = ids[..request.Sampling.MaxNewTokens];
                text = Tokenizer.Decode(ids);
                results.Add(new GenerationResult(text, ids, "length"));
            }
            else results.Add(new GenerationResult(text, ids, "stop"));
        }
        return results;
    }

    /// <summary>Total size of the hook edits: noise std * sqrt(d) plus |coef| * |v|.</summary>
    public double PerturbationNorm(HookSpec? hooks)
    {
        if (hooks is null) return 0;
        double total = 0;
        foreach (var e in hooks.Edits)
            total += e switch
            {
                GaussianNoiseEdit g => g.Std * Math.Sqrt(Info.HiddenSize),
                AddVectorEdit a => Math.Abs(a.Coefficient) * Math.Sqrt(a.Vector.Sum(v => (double)v * v)),
                _ => 0,
            };
        return total;
    }

    /// <summary>How much the edits push along -LieDirection (an honesty steering vector), in units of LieStrength.</summary>
    public double HonestySteering(HookSpec? hooks)
    {
        if (hooks is null) return 0;
        double total = 0;
        foreach (var e in hooks.Edits)
            if (e is AddVectorEdit a)
            {
                double dot = 0;
                for (int j = 0; j < a.Vector.Length && j < LieDirection.Length; j++) dot += a.Vector[j] * LieDirection[j];
                total -= a.Coefficient * dot;
            }
        return total / Options.LieStrength;
    }

    // ---- weights ---------------------------------------------------------------------------------

    public Tensor Unembed(Tensor residual, bool applyFinalNorm = true)
    {
        int n = residual.Rows, d = Info.HiddenSize, v = Info.VocabSize;
        if (residual.RowLength != d) throw new ArgumentException($"Residual width {residual.RowLength} != {d}.");
        var logits = new Tensor([n, v]);
        for (int i = 0; i < n; i++)
        {
            var x = residual.ReadRow(i);
            double scale = 1;
            if (applyFinalNorm) { double ms = 0; foreach (var a in x) ms += a * a; scale = 1 / Math.Sqrt(ms / d + 1e-6); }
            for (int t = 0; t < v; t++)
            {
                var e = _embed.ReadRow(t);
                double s = 0;
                for (int j = 0; j < d; j++) s += x[j] * e[j];
                logits.Data[i * v + t] = (float)(s * scale);
            }
        }
        return logits;
    }

    public Tensor TokenEmbeddings() => new((int[])_embed.Shape.Clone(), (float[])_embed.Data.Clone());

    public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default)
    {
        FineTuneRequests.Add(request);
        if (request.Data.Count == 0) throw new ArgumentException($"Fine-tune '{request.Name}' has no data.");
        bool honesty = request.Data.Any(i => (i.Response ?? "").Contains("lied", StringComparison.OrdinalIgnoreCase) || (i.Response ?? "").Contains("honest", StringComparison.OrdinalIgnoreCase));
        return new SyntheticModel(Options with
        {
            Name = Options.Name + "+" + request.Name,
            FineTunedOn = request.Name,
            SelfReportSharpness = Options.SelfReportSharpness + (honesty ? 2.0 : 0.0),
            SelfReportNoise = honesty ? Options.SelfReportNoise * 0.5 : Options.SelfReportNoise,
        });
    }

    public void Dispose() { }

    // ---- helpers ---------------------------------------------------------------------------------

    internal float[] Embedding(int token) => _embed.ReadRow(token).ToArray();

    private static float[] UnitVector(Random rng, int d)
    {
        var v = new float[d];
        double norm = 0;
        for (int j = 0; j < d; j++) { v[j] = (float)Gaussian(rng); norm += v[j] * v[j]; }
        norm = Math.Sqrt(norm);
        for (int j = 0; j < d; j++) v[j] = (float)(v[j] / norm);
        return v;
    }

    internal static double Gaussian(Random rng)
        => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
