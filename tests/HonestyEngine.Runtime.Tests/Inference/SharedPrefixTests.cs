using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Tests.Handle;
using static HonestyEngine.Runtime.Tests.Inference.ReferenceRuns;

namespace HonestyEngine.Runtime.Tests.Inference;

/// <summary>Shared-prefix reuse must change the work, never the numbers: every result of a batch whose prompts share
/// leading chunks is compared for exact equality with the same prompt run alone.</summary>
[Collection(GlobalGemmSettings.Name)]
public class SharedPrefixTests
{
    private static readonly Lazy<TransformerModel> Llama = new(() => TransformerModel.Load(Fixtures.Model("llama")));
    private const int C = InferenceEngine.PrefillChunk;


    /// <summary>Prompts: a long shared head (not a chunk multiple), two of them sharing a second chunk more, one
    /// unrelated, one equal to another, and one shorter than a chunk.</summary>
    private static List<int[]> Prompts()
    {
        var head = Tokens(1, 2 * C + 7);
        var second = Tokens(2, C);
        return
        [
            [.. head, .. Tokens(3, 11)],
            [.. head, .. second, .. Tokens(4, 5)],
            Tokens(5, 40),
            [.. head, .. second, .. Tokens(6, 19)],
            [.. head, .. Tokens(3, 11)],
            Tokens(7, 9),
            [.. head.AsSpan(0, C + 3)],
        ];
    }

    [Fact]
    public void SharedLengthsAreWholeChunksShorterThanThePromptAndOnlyBetweenEligiblePrompts()
    {
        var prompts = Prompts();
        var all = SharedPrefixes.SharedLengths(prompts, prompts.Select(_ => true).ToList());
        Assert.Equal([2 * C, 3 * C, 0, 3 * C, 2 * C, 0, C], all);
        // A prompt that may not share (it has hooks) neither receives nor gives a prefix.
        var some = SharedPrefixes.SharedLengths(prompts, [true, false, true, true, true, true, true]);
        Assert.Equal([2 * C, 0, 0, 2 * C, 2 * C, 0, C], some);
    }

    [Fact]
    public void ContinuationLogProbsWithSharedPrefixesEqualEachPromptAloneExactly()
    {
        var engine = new InferenceEngine(Llama.Value);
        var prompts = Prompts();
        int[][] conts = [[5], [9, 100, 3]];
        var alone = prompts.Select(p => engine.ContinuationLogProbs(p, conts)).ToList();

        long before = engine.PrefilledTokens;
        var shared = SharedPrefixes.Run(engine, prompts, prompts.Select(_ => true).ToList(), useAdapter: true,
            (i, prefix) => engine.ContinuationLogProbs(prompts[i], conts, prefix: prefix));
        long prefilled = engine.PrefilledTokens - before;

        for (int i = 0; i < prompts.Count; i++) Assert.Equal(alone[i], shared[i]);   // bit for bit
        // Each prompt skips its shared length (C, 2C, 2C, 3C, 3C), and the three distinct shared chunks run once each.
        long total = prompts.Sum(p => (long)p.Length);
        Assert.Equal(total - (C + 2 * (2 * C) + 2 * (3 * C)) + 3 * C, prefilled);
    }

    [Fact]
    public void GenerationWithSharedPrefixesEqualsEachPromptAloneExactly()
    {
        var engine = new InferenceEngine(Llama.Value);
        var prompts = Prompts();
        foreach (var sampling in new[] { new SamplingOptions(MaxNewTokens: 12), new SamplingOptions(MaxNewTokens: 12, Temperature: 1.3f, TopP: 0.9f, Seed: 11) })
        {
            var alone = prompts.Select(p => engine.Generate(p, sampling, []).Tokens).ToList();
            var shared = SharedPrefixes.Run(engine, prompts, prompts.Select(_ => true).ToList(), true,
                (i, prefix) => engine.Generate(prompts[i], sampling, [], prefix: prefix).Tokens);
            Assert.Equal(alone, shared);
        }
    }

    [Fact]
    public void APrefixRememberedFromThePreviousBatchIsReusedWithTheSameResults()
    {
        var engine = new InferenceEngine(Llama.Value);
        var demos = Tokens(30, 3 * C + 1);
        List<int[]> first = [[.. demos, .. Tokens(31, 9)], [.. demos, .. Tokens(32, 4)]];
        List<int[]> second = [[.. demos, .. Tokens(33, 12)]];   // alone in its batch: only the memory helps
        int[][] conts = [[5], [6]];
        var memory = new SharedPrefixes.Memory();
        var eligible = new[] { true, true };
        SharedPrefixes.Run(engine, first, eligible, true, (i, p) => engine.ContinuationLogProbs(first[i], conts, prefix: p), memory: memory);

        long before = engine.PrefilledTokens;
        var withMemory = SharedPrefixes.Run(engine, second, [true], true, (i, p) => engine.ContinuationLogProbs(second[i], conts, prefix: p), memory: memory);
        Assert.Equal(second[0].Length - 3 * C, engine.PrefilledTokens - before);
        Assert.Equal(engine.ContinuationLogProbs(second[0], conts), withMemory[0]);

        // A memory made with the adapter on is not used with it off (different weights).
        before = engine.PrefilledTokens;
        SharedPrefixes.Run(engine, second, [true], false, (i, p) => engine.ContinuationLogProbs(second[i], conts, useAdapter: false, prefix: p), memory: memory);
        Assert.Equal(second[0].Length, engine.PrefilledTokens - before);
    }

    [Fact]
    public void ChunkedPrefillComputesTheSameFunctionAsOneForwardPass()
    {
        var model = Llama.Value;
        var engine = new InferenceEngine(model);
        var prompt = Tokens(8, 3 * C + 5);
        int[][] conts = [[17], [4, 250]];
        var lp = engine.ContinuationLogProbs(prompt, conts);
        for (int i = 0; i < conts.Length; i++)
        {
            double expect = ReferenceRuns.ContinuationLogProb(model, prompt, conts[i]);
            Assert.Equal(expect, lp[i], 1e-4);
        }
    }

    [Fact]
    public void HookedRequestsAreNotGivenASharedPrefixAndAMisusedPrefixIsRefused()
    {
        var engine = new InferenceEngine(Llama.Value);
        var prompt = Tokens(9, 2 * C + 4);
        var prefix = engine.PrefillPrefix(prompt, C);
        var hooks = HookSpec.Editing(new AddVectorEdit(HookNames.ResidPre(1), new float[64], 1f, PositionSelector.All));
        Assert.Throws<ArgumentException>(() => engine.Generate(prompt, new SamplingOptions(2), [], hooks, prefix: prefix));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.PrefillPrefix(prompt, C + 1));
        Assert.Throws<ArgumentException>(() => engine.Generate(prompt[..C], new SamplingOptions(2), [], prefix: prefix));
    }

    [Fact]
    public void HandleBatchesGiveTheResultsOfSingleRequests()
    {
        using var folder = new TinyModelFolder();
        using var handle = TransformerModelHandle.OpenHandle(folder.Path);
        // A long shared system prompt and demonstrations, then different questions: the few-shot prompt shape.
        var demos = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"example {i} hello world"));
        var prompts = Enumerable.Range(0, 5).Select(i => Prompt.Chat([ChatMessage.System("Be honest. " + demos), ChatMessage.User($"question {i}: hello?")])).ToList();
        Assert.True(handle.EncodePrompt(prompts[0]).Length > 3 * C);

        var batchLp = handle.ContinuationLogProbs(prompts.Select(p => new ContinuationRequest(p, ["Yes", "No"])).ToList());
        var batchGen = handle.Generate(prompts.Select(p => new GenerationRequest(p, new SamplingOptions(8, 1f, Seed: 3))).ToList());
        for (int i = 0; i < prompts.Count; i++)
        {
            Assert.Equal(handle.ContinuationLogProbs([new ContinuationRequest(prompts[i], ["Yes", "No"])])[0], batchLp[i]);
            var one = handle.Generate([new GenerationRequest(prompts[i], new SamplingOptions(8, 1f, Seed: 3))])[0];
            Assert.Equal(one.TokenIds, batchGen[i].TokenIds);
            Assert.Equal(one.Text, batchGen[i].Text);
        }
    }
}
