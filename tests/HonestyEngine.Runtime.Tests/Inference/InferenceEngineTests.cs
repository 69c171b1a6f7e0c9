using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using static HonestyEngine.Runtime.Tests.Inference.ReferenceRuns;

namespace HonestyEngine.Runtime.Tests.Inference;

[Collection(GlobalGemmSettings.Name)]
public class InferenceEngineTests
{
    private static readonly Lazy<TransformerModel> Llama = new(() => TransformerModel.Load(Fixtures.Model("llama")));
    private static readonly Lazy<TransformerModel> Gemma = new(() => TransformerModel.Load(Fixtures.Model("gemma2")));

    [Fact]
    public void BatchOfDifferentLengthsEqualsOneByOne()
    {
        var engine = new InferenceEngine(Gemma.Value);
        var prompts = new[] { Tokens(1, 3), Tokens(2, 17), Tokens(3, 9) };
        var s = new SamplingOptions(MaxNewTokens: 6, Temperature: 0.8f, TopP: 0.9f, Seed: 7);
        var alone = prompts.Select(p => engine.Generate(p, s, []).Tokens).ToArray();
        // Run interleaved with other work in between: each sequence owns its cache, nothing leaks across.
        var batch = new List<int[]>();
        foreach (var p in prompts.Reverse()) batch.Insert(0, engine.Generate(p, s, []).Tokens);
        Assert.Equal(alone, batch);
    }

    [Fact]
    public void KvCacheDecodingMatchesFullRecompute()
    {
        foreach (var model in new[] { Llama.Value, Gemma.Value })
        {
            var ids = Tokens(4, 20);
            var full = model.Forward(model.NewCache(), ids, null, LogitsMode.All);
            var cache = model.NewCache(4);
            model.Forward(cache, ids.AsSpan(0, 11), null, LogitsMode.None);
            for (int t = 11; t < 20; t++)
            {
                var step = model.Forward(cache, ids.AsSpan(t, 1), null, LogitsMode.Last);
                for (int v = 0; v < step.Length; v++) Assert.Equal(full[t * 512 + v], step[v], 1e-4f);
            }
        }
    }

    [Fact]
    public void SeededSamplingIsReproducibleAndTemperatureZeroIsGreedy()
    {
        var engine = new InferenceEngine(Llama.Value);
        var p = Tokens(5, 6);
        var a = engine.Generate(p, new SamplingOptions(10, 1.5f, 1f, Seed: 3), []).Tokens;
        var b = engine.Generate(p, new SamplingOptions(10, 1.5f, 1f, Seed: 3), []).Tokens;
        var c = engine.Generate(p, new SamplingOptions(10, 1.5f, 1f, Seed: 4), []).Tokens;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var greedy = engine.Generate(p, new SamplingOptions(10), []).Tokens;
        var nucleus = engine.Generate(p, new SamplingOptions(10, 1f, 1e-6f, Seed: 9), []).Tokens; // top-p keeps only the argmax
        Assert.Equal(greedy, nucleus);
    }

    [Fact]
    public void StopTokenEndsGeneration()
    {
        var engine = new InferenceEngine(Llama.Value);
        var p = Tokens(6, 5);
        var free = engine.Generate(p, new SamplingOptions(8), []);
        Assert.Equal("length", free.FinishReason);
        var stopped = engine.Generate(p, new SamplingOptions(8), [free.Tokens[2]]);
        Assert.Equal("stop", stopped.FinishReason);
        Assert.Equal(free.Tokens[..(Array.IndexOf(free.Tokens, free.Tokens[2]) + 1)], stopped.Tokens);
    }

    [Fact]
    public void ContinuationLogProbsMatchFullForward()
    {
        var model = Llama.Value;
        var engine = new InferenceEngine(model);
        var prompt = Tokens(7, 8);
        int[][] conts = [[5], [9, 100, 3], [42, 42]];
        var lp = engine.ContinuationLogProbs(prompt, conts);
        for (int i = 0; i < conts.Length; i++)
        {
            double expect = ReferenceRuns.ContinuationLogProb(model, prompt, conts[i]);
            Assert.Equal(expect, lp[i], 1e-4);
            Assert.True(lp[i] < 0);
        }
    }

    [Fact]
    public void HooksReadOnlyWhatIsAskedAtChosenPositions()
    {
        var engine = new InferenceEngine(Llama.Value);
        var ids = Tokens(8, 10);
        var all = engine.Forward(ids, HookSpec.Reading(PositionSelector.All, HookNames.ResidPost(0), HookNames.ResidPre(1), HookNames.AttnOut(1), HookNames.MlpOut(1), HookNames.ResidMid(1), HookNames.ResidPost(1)), true);
        Assert.Equal(6, all.Activations.Count);
        Assert.Equal(all.Activations[HookNames.ResidPost(0)].Data, all.Activations[HookNames.ResidPre(1)].Data);
        // resid_post = resid_mid + mlp_out, resid_mid = resid_pre + attn_out
        var pre = all.Activations[HookNames.ResidPre(1)].Data; var attn = all.Activations[HookNames.AttnOut(1)].Data;
        var mid = all.Activations[HookNames.ResidMid(1)].Data; var mlp = all.Activations[HookNames.MlpOut(1)].Data;
        var post = all.Activations[HookNames.ResidPost(1)].Data;
        for (int i = 0; i < pre.Length; i++) { Assert.Equal(pre[i] + attn[i], mid[i], 1e-5f); Assert.Equal(mid[i] + mlp[i], post[i], 1e-5f); }

        var last = engine.Forward(ids, HookSpec.Reading(PositionSelector.Last, HookNames.ResidPost(0)), false);
        Assert.Equal([9], last.Positions);
        Assert.Equal(all.Activations[HookNames.ResidPost(0)].Row(9).ToArray(), last.Activations[HookNames.ResidPost(0)].Data);
        Assert.Null(last.Logits);
        var mask = engine.Forward(ids, HookSpec.Reading(PositionSelector.FromMask([true, false, false, true, false, false, false, false, false, false]), HookNames.FinalNorm), false);
        Assert.Equal([0, 3], mask.Positions);
        Assert.Throws<ArgumentException>(() => engine.Forward(ids, HookSpec.Reading(PositionSelector.All, "blocks.9.hook_resid_post"), false));
    }

    [Fact]
    public void WriteHooksEditAndReadsSeeTheEdit()
    {
        var engine = new InferenceEngine(Llama.Value);
        var ids = Tokens(9, 6);
        string h = HookNames.ResidPost(1);
        var baseRun = engine.Forward(ids, HookSpec.Reading(PositionSelector.All, h, HookNames.ResidPost(2)), true);
        var vec = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray();
        var steered = engine.Forward(ids, new HookSpec([h, HookNames.ResidPost(2)], PositionSelector.All,
            [new AddVectorEdit(h, vec, 2f, PositionSelector.Last)]), true);
        for (int t = 0; t < 5; t++) Assert.Equal(baseRun.Activations[h].Row(t).ToArray(), steered.Activations[h].Row(t).ToArray());
        for (int i = 0; i < 64; i++) Assert.Equal(baseRun.Activations[h].Row(5)[i] + 2f * vec[i], steered.Activations[h].Row(5)[i], 1e-5f);
        Assert.NotEqual(baseRun.Logits!.Row(5).ToArray(), steered.Logits!.Row(5).ToArray());

        var scaled = engine.Forward(ids, new HookSpec([h], PositionSelector.All, [new ScaleEdit(h, 0.5f, PositionSelector.All)]), false);
        for (int i = 0; i < 6 * 64; i++) Assert.Equal(baseRun.Activations[h].Data[i] * 0.5f, scaled.Activations[h].Data[i], 1e-6f);

        var n1 = engine.Forward(ids, new HookSpec([h], PositionSelector.All, [new GaussianNoiseEdit(h, 0.1f, 1, PositionSelector.All)]), false);
        var n2 = engine.Forward(ids, new HookSpec([h], PositionSelector.All, [new GaussianNoiseEdit(h, 0.1f, 1, PositionSelector.All)]), false);
        var n3 = engine.Forward(ids, new HookSpec([h], PositionSelector.All, [new GaussianNoiseEdit(h, 0.1f, 2, PositionSelector.All)]), false);
        Assert.Equal(n1.Activations[h].Data, n2.Activations[h].Data);
        Assert.NotEqual(n1.Activations[h].Data, n3.Activations[h].Data);
        var diff = n1.Activations[h].Data.Zip(baseRun.Activations[h].Data, (a, b) => (double)(a - b)).ToArray();
        double std = Math.Sqrt(diff.Select(x => x * x).Average());
        Assert.InRange(std, 0.08, 0.12);
    }

    [Fact]
    public void PatchingTheLastResidualReproducesTheDonorLogits()
    {
        var engine = new InferenceEngine(Llama.Value);
        var a = Tokens(10, 7); var b = Tokens(11, 7);
        string h = HookNames.ResidPost(2);
        var donor = engine.Forward(b, HookSpec.Reading(PositionSelector.All, h), true);
        var patchRow = new Tensor([1, 64], donor.Activations[h].Row(6).ToArray());
        var patched = engine.Forward(a, HookSpec.Editing(new ReplaceEdit(h, patchRow, PositionSelector.Last)), true);
        for (int v = 0; v < 512; v++) Assert.Equal(donor.Logits!.Row(6)[v], patched.Logits!.Row(6)[v], 1e-5f);
        Assert.Throws<ArgumentException>(() => engine.Forward(a, HookSpec.Editing(new ReplaceEdit(h, patchRow, PositionSelector.All)), true));
    }

    [Fact]
    public void SteeringKeepsApplyingDuringGeneration()
    {
        var engine = new InferenceEngine(Llama.Value);
        var p = Tokens(12, 5);
        var vec = Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? 3f : -3f).ToArray();
        var plain = engine.Generate(p, new SamplingOptions(6), []).Tokens;
        var steered = engine.Generate(p, new SamplingOptions(6), [], HookSpec.Editing(new AddVectorEdit(HookNames.ResidPre(1), vec, 4f, PositionSelector.All))).Tokens;
        Assert.NotEqual(plain, steered);
    }
}
