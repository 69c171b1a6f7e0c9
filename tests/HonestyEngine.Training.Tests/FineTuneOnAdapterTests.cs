using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Training.FineTuning;

namespace HonestyEngine.Training.Tests;

/// <summary>TrainerFineTuner on testbed-shaped models (base + PEFT adapter), its reusable OutputDirectory, and the
/// shared adapter across several source models (FineTuneRequest.Sources).</summary>
public sealed class FineTuneOnAdapterTests
{
    private static readonly IReadOnlyList<ChatMessage> Sky = [ChatMessage.User("What colour is the sky?")];
    private static readonly IReadOnlyList<ChatMessage> Grass = [ChatMessage.User("What colour is grass?")];

    private static double LogProb(IModelHandle handle, IReadOnlyList<ChatMessage> question, string answer) =>
        handle.ContinuationLogProbs([new ContinuationRequest(Prompt.Chat(question), [answer])])[0][0];

    private static FineTuneRequest Teach(string name, IReadOnlyList<ChatMessage> question, string answer, int steps = 30, float lr = 1e-2f) =>
        new(name, [new DatasetItem(name, question, Response: answer)], Steps: steps, LearningRate: lr, LoraRank: 4, BatchSize: 2);

    /// <summary>A "testbed": the tiny base + an adapter that answers <paramref name="answer"/> to the sky question.</summary>
    private static TransformerModelHandle Testbed(string baseDir, TrainerFineTuner tuner, string answer)
    {
        using var plain = TransformerModelHandle.OpenHandle(baseDir);
        using var trained = tuner.FineTune(plain, Teach("testbed-" + answer, Sky, answer, steps: 40), default);
        return TransformerModelHandle.OpenHandle(baseDir, trained.Info.AdapterPath);
    }

    [Fact]
    public void AModelWithAnAdapterIsTunedOnTopOfTheMergedAdapter()
    {
        string baseDir = FineTuneHandleTests.TinyLlamaFolder();
        var tuner = new TrainerFineTuner(Fixtures.TempFolder("ft-adapter"));
        using var plain = TransformerModelHandle.OpenHandle(baseDir);
        using var testbed = Testbed(baseDir, tuner, "red");
        Assert.NotNull(testbed.Info.AdapterPath);
        double redBase = LogProb(plain, Sky, "red"), redTestbed = LogProb(testbed, Sky, "red");
        Assert.True(redTestbed > redBase + 3, $"the testbed adapter did not learn: {redBase:F3} -> {redTestbed:F3}");

        using var tuned = (TransformerModelHandle)tuner.FineTune(testbed, Teach("grass-green", Grass, "green", steps: 6, lr: 3e-3f), default);
        // The testbed's behaviour is kept (its adapter is merged into the frozen weights) and the new one is learnt.
        Assert.True(LogProb(tuned, Grass, "green") > LogProb(testbed, Grass, "green") + 1, $"log P(green | grass) {LogProb(testbed, Grass, "green"):F3} -> {LogProb(tuned, Grass, "green"):F3}");
        // The testbed adapter's behaviour is carried: the same tune of the plain base says "red" far less.
        using var tunedPlain = tuner.FineTune(plain, Teach("grass-green", Grass, "green", steps: 6, lr: 3e-3f), default);
        Assert.True(LogProb(tuned, Sky, "red") > LogProb(tunedPlain, Sky, "red") + 1,
            $"log P(red | sky): tuned testbed {LogProb(tuned, Sky, "red"):F3}, tuned base {LogProb(tunedPlain, Sky, "red"):F3}");
        Assert.Contains("merged", tuned.Info.Path!);
        Assert.StartsWith(tuner.OutputRoot, tuned.Info.AdapterPath!);
        // Without the new adapter, the merged checkpoint is the testbed (base + adapter) up to float rounding.
        tuned.UseAdapter = false;
        Assert.Equal(redTestbed, LogProb(tuned, Sky, "red"), 3);
        Assert.Equal(LogProb(testbed, Grass, "green"), LogProb(tuned, Grass, "green"), 3);
        // The testbed handle itself is untouched.
        Assert.Equal(redTestbed, LogProb(testbed, Sky, "red"), 9);

        // A second tune of the same testbed reuses the merged checkpoint.
        using var again = tuner.FineTune(testbed, Teach("grass-green-2", Grass, "green", steps: 2), default);
        Assert.Equal(tuned.Info.Path, again.Info.Path);
        Assert.Single(Directory.GetDirectories(Path.Combine(tuner.OutputRoot, "merged-bases")));
    }

    [Fact]
    public void ACompleteOutputDirectoryIsReusedAndAStaleOneReplaced()
    {
        string baseDir = FineTuneHandleTests.TinyLlamaFolder();
        var tuner = new TrainerFineTuner(Fixtures.TempFolder("ft-reuse"));
        string parent = Fixtures.TempFolder("ft-reuse-out");
        string output = Path.Combine(parent, "grass-green-abc");
        using var plain = TransformerModelHandle.OpenHandle(baseDir);
        var request = Teach("grass-green", Grass, "green", steps: 12) with { OutputDirectory = output };

        using var first = tuner.FineTune(plain, request, default);
        Assert.Equal(12, tuner.StepsTrained);
        Assert.Equal(output, first.Info.AdapterPath);
        Assert.True(File.Exists(Path.Combine(output, FineTuneOutput.ManifestFileName)));
        var written = File.GetLastWriteTimeUtc(Path.Combine(output, "adapter_model.safetensors"));

        using var second = tuner.FineTune(plain, request, default);
        Assert.Equal(12, tuner.StepsTrained);   // opened, not trained
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(output, "adapter_model.safetensors")));
        Assert.Equal(LogProb(first, Grass, "green"), LogProb(second, Grass, "green"), 9);

        // Different data in the same folder: the folder is not this job's, so it is trained again and replaced.
        using var other = tuner.FineTune(plain, request with { Data = [new DatasetItem("g", Grass, Response: "blue")] }, default);
        Assert.Equal(24, tuner.StepsTrained);
        Assert.True(LogProb(other, Grass, "blue") > LogProb(first, Grass, "blue") + 1);
        // A half-written folder (no manifest) is not complete either.
        File.Delete(Path.Combine(output, FineTuneOutput.ManifestFileName));
        using var redone = tuner.FineTune(plain, request, default);
        Assert.Equal(36, tuner.StepsTrained);
        Assert.Equal(LogProb(first, Grass, "green"), LogProb(redone, Grass, "green"), 6);   // same seed, same result
        Assert.Equal(["grass-green-abc"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));   // no temporary left
    }

    [Fact]
    public void SourcesTrainOneAdapterAcrossModelsAndOpenItOnTheCalledModel()
    {
        string baseDir = FineTuneHandleTests.TinyLlamaFolder();
        var tuner = new TrainerFineTuner(Fixtures.TempFolder("ft-sources"));
        using var red = Testbed(baseDir, tuner, "red");
        using var blue = Testbed(baseDir, tuner, "grey");
        using var target = Testbed(baseDir, tuner, "pink");
        IReadOnlyList<ChatMessage> ask = [ChatMessage.User("What were you trained to do?")];
        var request = new FineTuneRequest("introspect", [], Steps: 30, LearningRate: 1e-2f, LoraRank: 4, BatchSize: 2)
        {
            Sources = [new FineTuneSource(red, [new DatasetItem("r", ask, Response: "colours")]),
                       new FineTuneSource(blue, [new DatasetItem("b", ask, Response: "colours")])],
            OutputDirectory = Path.Combine(Fixtures.TempFolder("ft-sources-out"), "introspect"),
        };
        double before = LogProb(target, ask, "colours");
        using var tuned = (TransformerModelHandle)tuner.FineTune(target, request, default);
        Assert.Equal(30, tuner.StepsTrained - 120);   // three testbed adapters of 40 steps, then the shared one
        // The shared adapter transfers to a model it was not trained on, which keeps its own adapter's behaviour.
        Assert.True(LogProb(tuned, ask, "colours") > before + 2, $"log P(colours) {before:F3} -> {LogProb(tuned, ask, "colours"):F3}");
        tuned.UseAdapter = false;
        Assert.Equal(LogProb(target, Sky, "pink"), LogProb(tuned, Sky, "pink"), 3);
        using var reused = tuner.FineTune(target, request, default);
        Assert.Equal(150, tuner.StepsTrained);

        // A source of another runtime, or without data, fails clearly.
        using var foreign = new ForeignHandle(red);
        var bad = Assert.Throws<NotSupportedException>(() => tuner.FineTune(target,
            request with { OutputDirectory = null, Sources = [new FineTuneSource(foreign, [new DatasetItem("f", ask, Response: "x")])] }, default));
        Assert.Contains("not a model of this runtime", bad.Message);
        var empty = Assert.Throws<MethodInputException>(() => tuner.FineTune(target,
            request with { OutputDirectory = null, Sources = [new FineTuneSource(red, [])] }, default));
        Assert.Contains("no training data", empty.Message);
    }

    /// <summary>A handle of some other runtime (wraps a real one).</summary>
    private sealed class ForeignHandle(IModelHandle inner) : IModelHandle
    {
        public ModelInfo Info => inner.Info;
        public ITokenizer Tokenizer => inner.Tokenizer;
        public string Render(Prompt prompt) => inner.Render(prompt);
        public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<GenerationRequest> batch, CancellationToken cancellationToken = default) => inner.Generate(batch, cancellationToken);
        public IReadOnlyList<double[]> ContinuationLogProbs(IReadOnlyList<ContinuationRequest> batch, CancellationToken cancellationToken = default) => inner.ContinuationLogProbs(batch, cancellationToken);
        public IReadOnlyList<ForwardResult> Forward(IReadOnlyList<ForwardRequest> batch, CancellationToken cancellationToken = default) => inner.Forward(batch, cancellationToken);
        public Tensor Unembed(Tensor residual, bool applyFinalNorm = true) => inner.Unembed(residual, applyFinalNorm);
        public Tensor TokenEmbeddings() => inner.TokenEmbeddings();
        public IModelHandle FineTune(FineTuneRequest request, CancellationToken cancellationToken = default) => inner.FineTune(request, cancellationToken);
        public void Dispose() { }
    }
}
