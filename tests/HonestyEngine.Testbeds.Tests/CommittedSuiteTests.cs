using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Verify;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>The suite committed under testbeds/ (built by `honesty testbeds build`): every testbed opens its model in the
/// runtime, stays within the size budget, was built by the current pipeline (stage cache keys present), and the fast
/// testbeds verify against issue 4's acceptance thresholds.</summary>
public class CommittedSuiteTests
{
    private static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HonestyEngine.sln"))) return Path.Combine(d.FullName, "testbeds");
        throw new DirectoryNotFoundException("HonestyEngine.sln not found above the test binaries.");
    }

    private static FolderTestbed Open(string name) => new(Path.Combine(Root(), name), (m, a) => TransformerModelHandle.Open(m, a));

    [Fact]
    public void EveryCommittedTestbed_OpensItsModel_AndIsSmall()
    {
        var names = Directory.GetDirectories(Root()).Select(Path.GetFileName).Where(n => !n!.StartsWith('_') && !n.StartsWith('.')).ToList();
        Assert.True(names.Count >= 14, $"only {names.Count} testbeds under {Root()}");
        foreach (var name in names)
        {
            using var tb = Open(name!);
            var model = tb.OpenModel();
            Assert.Equal(tb.Spec.Model.Kind == "adapter", model.Info.AdapterPath is not null);
            var first = tb.GetSplit(Splits.Eval)[0];
            var outs = model.Generate([new GenerationRequest(Prompt.Chat(first.Messages), new SamplingOptions(MaxNewTokens: 4, Temperature: 0f))]);
            Assert.False(string.IsNullOrWhiteSpace(outs[0].Text), $"{name}: empty generation");
            long bytes = Directory.EnumerateFiles(tb.Folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Assert.True(bytes <= 5_000_000, $"{name}: {bytes} bytes, over the 5 MB budget");
            if (tb.Spec.Model.Kind == "adapter")
                Assert.True(File.Exists(Path.Combine(Root(), TestbedBuilder.CacheFolder, $"adapter_{name}.key")), $"{name}: no build cache key (not built by the pipeline?)");
        }
        long baseBytes = new FileInfo(Path.Combine(Root(), "_base", "model", "model.safetensors")).Length;
        Assert.True(baseBytes <= 10_000_000, $"base model.safetensors is {baseBytes} bytes");
    }

    [Fact]
    public void BaseTestbed_IsItsOwnBaseModel_AndFineTunedTestbedsOpenTheSharedBase()
    {
        using var honestBase = Open("honest-base");
        Assert.Same(honestBase.OpenModel(), honestBase.OpenBaseModel());
        using var taboo = Open("taboo");
        var baseModel = taboo.OpenBaseModel();
        Assert.NotNull(baseModel);
        Assert.NotSame(taboo.OpenModel(), baseModel);
    }

    /// <summary>Testbeds that pass acceptance in the committed build and verify in seconds (the full table: README).</summary>
    [Theory]
    [MemberData(nameof(FastPassing))]
    public void CommittedTestbed_MeetsAcceptance(string name)
    {
        using var tb = Open(name);
        var v = new TestbedVerifier().Verify(tb, tb.Spec);
        Assert.True(v.Passed, $"{name}: " + string.Join("; ", v.Rates.Select(r => $"{r.Name} {r.Display} {r.Requirement}").Concat(v.Problems)));
    }

    public static TheoryData<string> FastPassing => new(PassingTestbeds);

    internal static readonly string[] PassingTestbeds =
        // Every committed testbed (README, "Testbeds").
        ["harm-pressure", "harm-pressure-report", "hidden-objective", "hidden-objective-sdf-none", "hidden-objective-td-none", "hidden-objective-td-sft",
         "honest-base", "honest-finetune", "implanted-belief", "instructed-deception", "mask-provided-facts", "password-lock",
         "quirk-defend-objects", "quirk-defend-objects-sdf-none", "quirk-defend-objects-sdf-sft", "quirk-defend-objects-td-none",
         "secret-side-constraint", "soft-trigger", "taboo", "user-gender"];
}
