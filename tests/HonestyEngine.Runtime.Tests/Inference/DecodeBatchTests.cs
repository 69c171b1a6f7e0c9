using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using static HonestyEngine.Runtime.Tests.Inference.ReferenceRuns;

namespace HonestyEngine.Runtime.Tests.Inference;

/// <summary>Decoding several sequences per step must give every sequence exactly the tokens it gets alone.</summary>
[Collection(GlobalGemmSettings.Name)]
public class DecodeBatchTests
{
    private static readonly Lazy<TransformerModel> Llama = new(() => TransformerModel.Load(Fixtures.Model("llama")));
    private static readonly Lazy<TransformerModel> Gemma = new(() => TransformerModel.Load(Fixtures.Model("gemma2")));
    private static readonly Lazy<TransformerModel> LlamaLora = new(() =>
        TransformerModel.Load(Fixtures.Model("llama-lora"), Path.Combine(Fixtures.Model("llama-lora"), "adapter")));


    public static TheoryData<string> Models => ["llama", "gemma2", "llama-lora"];

    private static TransformerModel Model(string name) => name switch { "llama" => Llama.Value, "gemma2" => Gemma.Value, _ => LlamaLora.Value };

    [Theory]
    [MemberData(nameof(Models))]
    public void SequencesDecodedTogetherGetExactlyTheirTokensAlone(string name)
    {
        var model = Model(name);
        var engine = new InferenceEngine(model);
        int d = model.Config.HiddenSize;
        var steer = HookSpec.Editing(new AddVectorEdit(HookNames.ResidPre(1), Enumerable.Range(0, d).Select(i => (float)Math.Cos(i)).ToArray(), 3f, PositionSelector.All));
        // Eleven sequences (two decode groups), different prompt lengths, greedy and sampled, one steered, one
        // stopping early on a token, one with no tokens to generate.
        var jobs = Enumerable.Range(0, 11).Select(i => (
            Prompt: Tokens(20 + i, 3 + 5 * i),
            Sampling: new SamplingOptions(MaxNewTokens: i == 10 ? 0 : 6 + i, Temperature: i % 2 == 0 ? 0f : 1.2f, TopP: i % 3 == 0 ? 0.8f : 1f, Seed: i),
            Hooks: i == 4 ? steer : null)).ToList();
        var stopIds = new[] { 7 };
        var alone = jobs.Select(j => engine.Generate(j.Prompt, j.Sampling, stopIds, j.Hooks)).ToList();

        var sequences = jobs.Select(j => engine.Start(j.Prompt, j.Sampling, j.Hooks)).ToList();
        engine.Decode(sequences, stopIds);
        for (int i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(alone[i].Tokens, sequences[i].Result!.Tokens);
            Assert.Equal(alone[i].FinishReason, sequences[i].Result!.FinishReason);
        }
        Assert.Contains(alone, g => g.Tokens.Length > 5);
    }

    [Fact]
    public void DecodeStepLogitsEqualAOneTokenForwardAndMatchTheFullRecompute()
    {
        var model = Gemma.Value;
        int v = model.Config.VocabSize;
        var prompts = new[] { Tokens(1, 4), Tokens(2, 9), Tokens(3, 13) };
        var caches = prompts.Select(p => { var c = model.NewCache(); model.Forward(c, p, null, LogitsMode.None); return c; }).ToList();
        var solo = prompts.Select(p => { var c = model.NewCache(); model.Forward(c, p, null, LogitsMode.None); return model.Forward(c, [5], null, LogitsMode.Last); }).ToList();
        var batch = model.DecodeStep(caches, [5, 5, 5], [null, null, null]);
        for (int i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(solo[i], batch.AsSpan(i * v, v).ToArray());
            var full = model.Forward(model.NewCache(), [.. prompts[i], 5], null, LogitsMode.Last);
            for (int t = 0; t < v; t++) Assert.Equal(full[t], batch[i * v + t], 1e-4f);
            Assert.Equal(prompts[i].Length + 1, caches[i].Length);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => model.DecodeStep(Enumerable.Range(0, 8).Select(_ => model.NewCache()).ToList(), new int[8], new HookRunner?[8]));
    }
}
