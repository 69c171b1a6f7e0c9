using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Store;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Imported;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Methods.Tests.Support;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Methods.Tests;

/// <summary>Activations exported elsewhere (`honesty run --import`): the probe plugins, loaded from their DLLs, run on
/// them through the engine unchanged. The synthetic export has four layers of width 32: at layer 2 the lies are
/// shifted along one direction (a probe must find them), at layer 1 labels and activations are independent (a probe
/// must not). Rows: 240 train (what the probes learn from, in place of the instructed pairs), 120 eval, 60 control.</summary>
[Collection(RealEngineCollection.Name)]
public sealed class ImportedActivationsTests(EngineRuns runs)
{
    private const string Name = "imported-synthetic";
    private const int Dim = 32, Layers = 4;

    /// <summary>The export and its host are made once per test process (the run is shared by the tests below).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<HostServices>> Hosts = new();

    private RunSummary Run()
    {
        var host = Hosts.GetOrAdd(runs.CacheRoot, root => new Lazy<HostServices>(() =>
        {
            var folder = Path.Combine(root, "import");
            Directory.CreateDirectory(folder);
            var (tensors, labels) = Write(folder);
            var data = ImportedActivations.Open(tensors, labels); // stays open while the test process runs
            var testbed = new ImportedTestbed(Name, data.Path, data.LabelsPath, data.Rows.Select(r => new ImportedRowLabel(r.Id, r.Label, r.Split)).ToList(),
                data.Layers, data.Dim, data.Pooling, new ImportedActivationProvider(data));
            return RealEngine.Host(Path.Combine(root, "hosts", "import"), testbeds: [new TestbedList(testbed)]);
        })).Value;
        // Both depth fractions (the quick profile alone would run 0.5): 0.5 reads the layer with the signal, 0.2 the one without.
        string[] probes = ["logistic-probe", "mass-mean-probe", "lda-probe", "last-token-probe"];
        return runs.Run("import", [Name], () => probes.Select(m => HostMethods.WithParameter(runs.Method(m), "LayerFraction", 0.5, 0.2))
            .Append(runs.Method("self-classification")).ToList(), itemLimit: 200, host);
    }

    [Theory]
    [InlineData("logistic-probe")]
    [InlineData("mass-mean-probe")]
    [InlineData("lda-probe")]
    public void Probes_trained_on_the_train_rows_separate_the_eval_lies_where_the_signal_is(string method)
    {
        var run = Run();
        var signal = run.Results.Cells.Single(c => c.Testbed == Name && c.Method.StartsWith(method + "(", StringComparison.Ordinal)
                                                  && c.Method.Contains("LayerFraction=0.5", StringComparison.Ordinal));
        Assert.True(signal.Status == CellStatus.Ok, signal.Describe());
        // Layer round(0.5 * 3) = 2 holds the shift: the CI's lower end is far above chance.
        Assert.True(signal.Metrics[MetricNames.Auroc].CiLow >= 0.85, signal.Describe());
        var noise = run.Results.Cells.Single(c => c.Testbed == Name && c.Method.StartsWith(method + "(", StringComparison.Ordinal)
                                                 && c.Method.Contains("LayerFraction=0.2", StringComparison.Ordinal));
        Assert.True(noise.Status == CellStatus.Ok, noise.Describe());
        // Layer round(0.2 * 3) = 1 has no signal: chance lies inside the CI.
        var auroc = noise.Metrics[MetricNames.Auroc];
        Assert.True(auroc.CiLow <= 0.5 && auroc.CiHigh >= 0.5, noise.Describe());
    }

    [Fact]
    public void Methods_that_need_what_the_export_lacks_fail_their_cell_saying_what()
    {
        var run = Run();
        foreach (var cell in run.Results.Cells.Where(c => c.Method.StartsWith("last-token-probe", StringComparison.Ordinal)))
        {
            Assert.Equal(CellStatus.Failed, cell.Status);
            Assert.Contains("pooled with 'mean' but the method asks for 'last'", cell.Error);
        }
        var judge = run.Cell(Name, "self-classification");
        Assert.Equal(CellStatus.Failed, judge.Status);
        Assert.Contains("not a model", judge.Error);
    }

    [Fact]
    public void Without_train_rows_the_probes_are_told_where_their_training_data_should_be()
    {
        // Only the fingerprint reads these two files; the stub provider stands in for the activations.
        string folder = Path.Combine(runs.CacheRoot, "import-no-train");
        Directory.CreateDirectory(folder);
        string tensors = Path.Combine(folder, "a.safetensors"), labels = Path.Combine(folder, "a.jsonl");
        File.WriteAllBytes(tensors, new byte[16]);
        File.WriteAllText(labels, "{\"id\":\"a\",\"label\":1}\n{\"id\":\"b\",\"label\":0}\n");
        var testbed = new ImportedTestbed("no-train", tensors, labels,
            [new("a", 1, Splits.Eval), new("b", 0, Splits.Eval)], [0, 1], 4, "mean", new ImportedActivationProviderStub());
        var catalog = testbed.ResourcesOver(new EmptyResourceCatalog("host"));
        var e = Assert.Throws<MethodInputException>(() => catalog.Get(ResourceNames.InstructedPairs));
        Assert.Contains("no rows with split 'train'", e.Message);
        Assert.Equal(2, testbed.OpenModel().Info.NumLayers);
        Assert.Contains("not a model", Assert.Throws<MethodInputException>(() => testbed.OpenModel().Generate([])).Message);
        Assert.Contains("no rows with split 'control'", Assert.Throws<MethodInputException>(() => testbed.GetSplit(Splits.Control)).Message);
    }

    private sealed class ImportedActivationProviderStub : IActivationProvider
    {
        public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last") => throw new NotSupportedException();
        public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last") => throw new NotSupportedException();
    }

    private static (string Tensors, string Labels) Write(string folder)
    {
        var rng = new Random(7);
        var rows = new List<(string Id, int Label, string Split)>();
        foreach (var (split, n) in new[] { ("train", 240), (Splits.Eval, 120), (Splits.Control, 60) })
            for (int i = 0; i < n; i++) rows.Add(($"{split}-{i}", split == Splits.Control ? 0 : i % 2, split));
        var direction = Enumerable.Range(0, Dim).Select(_ => Gauss(rng)).ToArray();
        double norm = Math.Sqrt(direction.Sum(v => v * v));
        var entries = new List<SafeTensorsEntry>();
        for (int layer = 0; layer < Layers; layer++)
        {
            var x = new float[rows.Count * Dim];
            for (int r = 0; r < rows.Count; r++)
                for (int j = 0; j < Dim; j++)
                    x[r * Dim + j] = (float)(Gauss(rng) + (layer == 2 ? 1.5 * (2 * rows[r].Label - 1) * direction[j] / norm : 0));
            entries.Add(SafeTensorsEntry.F32($"layer_{layer}", [rows.Count, Dim], x));
        }
        string tensors = Path.Combine(folder, "acts.safetensors"), labels = Path.Combine(folder, "labels.jsonl");
        SafeTensorsWriter.Write(tensors, entries, new Dictionary<string, string> { ["pooling"] = "mean", ["model"] = "synthetic" });
        File.WriteAllLines(labels, rows.Select(r => $"{{\"id\":\"{r.Id}\",\"label\":{r.Label},\"split\":\"{r.Split}\"}}"));
        return (tensors, labels);
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
