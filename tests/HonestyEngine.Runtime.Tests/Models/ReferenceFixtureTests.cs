using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;
using Xunit.Abstractions;

namespace HonestyEngine.Runtime.Tests.Models;

/// <summary>Every fixture model matches transformers' own outputs (embed, each layer, final norm, logits at 1e-4 and
/// the greedy continuation), with both GEMM providers.</summary>
[Collection(GlobalGemmSettings.Name)]
public class ReferenceFixtureTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models() =>
        from m in new[] { "llama", "llama-sharded", "llama-lora", "qwen2", "qwen2-bf16", "qwen3", "gemma2", "gpt2" }
        from p in new[] { GemmProvider.Managed, GemmProvider.OpenBlas }
        select new object[] { m, p };

    [Theory]
    [MemberData(nameof(Models))]
    public void MatchesTransformersReference(string name, GemmProvider provider)
    {
        if (provider == GemmProvider.OpenBlas && !Gemm.OpenBlasAvailable) return;
        var saved = Gemm.Provider;
        try
        {
            Gemm.Provider = provider;
            var model = TransformerModel.Load(Fixtures.Model(name));
            var report = ReferenceVerifier.Verify(model, Path.Combine(Fixtures.Model(name), "reference.safetensors"), 1e-4);
            foreach (var e in report.Entries) output.WriteLine($"case{e.Case} {e.Quantity,-10} {e.MaxAbsError:E2} {(e.Passed ? "ok" : "FAIL")} {e.Detail}");
            Assert.True(report.Passed, string.Join("; ", report.Entries.Where(e => !e.Passed).Select(e => $"case{e.Case} {e.Quantity} {e.MaxAbsError:E2} {e.Detail}")));
            Assert.Equal(3 * (model.Config.NumLayers + 4), report.Entries.Count);
        }
        finally { Gemm.Provider = saved; }
    }
}
