using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class LogisticProbeTests
{
    [Fact]
    public void Trained_on_instructed_pairs_it_separates_on_policy_lies_at_the_middle_layer_but_not_at_layer_0()
    {
        var (_, labelled, scores) = ProbeTestData.Score(new LogisticProbe { LayerFraction = 0.5 });
        double middle = Harness.EvalAuroc(labelled, scores);
        var (_, labelled0, scores0) = ProbeTestData.Score(new LogisticProbe { LayerFraction = 0.0 });
        double first = Harness.EvalAuroc(labelled0, scores0);
        Assert.True(middle >= 0.9, $"AUROC at the middle layer {middle:F3}");
        Assert.True(middle - first >= 0.2, $"layer 0 carries no planted signal: AUROC {first:F3} vs {middle:F3}");
    }

    [Fact]
    public void It_never_sees_eval_labels_and_uses_the_compute_backend()
    {
        var h = new Harness();
        var (_, blind) = h.Transcripts();
        new LogisticProbe().Score(h.DetectorContext(), blind);
        Assert.Equal(1, h.Compute.LogisticFits);
        // Transcripts carry no labels at all (contract 2.0); the probe trains on the instructed pairs.
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void A_layer_fraction_that_names_no_layer_fails_cleanly(double fraction)
    {
        var e = ProbeTestData.Run(new LogisticProbe { LayerFraction = fraction });
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Without_instructed_pairs_it_fails_naming_the_resource()
    {
        var e = ProbeTestData.MissingResource(new LogisticProbe(), ResourceNames.InstructedPairs);
        Assert.Contains(ResourceNames.InstructedPairs, e.Message);
    }

    [Fact]
    public void Pairs_with_a_single_class_or_no_response_fail_cleanly()
    {
        var oneClass = new FixedResources(ResourceNames.InstructedPairs,
            SyntheticResources.InstructedPairs(8).Where(i => i.Label == 0).ToList());
        var h = new Harness(resources: oneClass);
        var (_, blind) = h.Transcripts();
        Assert.Contains("all honest", Assert.Throws<MethodInputException>(() => new LogisticProbe().Score(h.DetectorContext(), blind)).Message);

        var noResponse = new FixedResources(ResourceNames.InstructedPairs,
            SyntheticResources.InstructedPairs(8).Select(i => i with { Response = null }).ToList());
        var h2 = new Harness(resources: noResponse);
        Assert.Contains("has no Response", Assert.Throws<MethodInputException>(() => new LogisticProbe().Score(h2.DetectorContext(), blind)).Message);
    }

    [Fact]
    public void Non_finite_activations_are_reported_not_propagated()
    {
        var h = new Harness();
        var (_, blind) = h.Transcripts();
        var ctx = h.DetectorContext();
        var poisoned = new DetectorContext
        {
            Testbed = ctx.Testbed, Services = ctx.Services, Resources = ctx.Resources, Compute = ctx.Compute, Seed = 1,
            CacheDirectory = ctx.CacheDirectory, Activations = new NanProvider(h.Activations),
        };
        var e = Assert.Throws<MethodInputException>(() => new LogisticProbe().Score(poisoned, blind));
        Assert.Contains("NaN", e.Message);
    }

    private sealed class NanProvider(IActivationProvider inner) : IActivationProvider
    {
        public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last")
        {
            var t = inner.Get(model, transcripts, hook, pooling);
            t.Data[3] = float.NaN;
            return t;
        }
        public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last") => inner.GetForPrompts(model, prompts, hook, pooling);
    }
}

/// <summary>A catalog with one resource replaced.</summary>
internal sealed class FixedResources(string name, IReadOnlyList<DatasetItem> items) : IResourceCatalog
{
    private readonly SyntheticResources _rest = new();
    public IReadOnlyList<string> Names => _rest.Names;
    public bool Contains(string n) => _rest.Contains(n);
    public IReadOnlyList<DatasetItem> Get(string n) => n == name ? items : _rest.Get(n);
}
