using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Engine.Tests.Host;

[Method("Grid", Family = "test/grid", Version = "3")]
public sealed class GridDetector : IDetector
{
    [Params(1, 2, 3)] [QuickParams(2)] public int Layer { get; set; }
    [Params("last", "mean")] public string Pooling { get; set; } = "";
    [Params(0.5)] public double Alpha { get; set; }
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) => throw new NotSupportedException();
}

[Method("BadParams")]
public sealed class BadParamsDetector : IDetector
{
    [Params("not a number")] public int Layer { get; set; }
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) => throw new NotSupportedException();
}

public sealed class RunMatrixTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();
    private static MethodDescriptor Describe<T>() => MethodDiscovery.TryDescribe(typeof(T), Services, null, out _)!;

    [Fact]
    public void Params_expand_into_the_cartesian_product_in_a_stable_order()
    {
        var variants = ParameterSpace.Expand(Describe<GridDetector>(), RunProfile.Full);
        Assert.Equal(6, variants.Count);
        Assert.Equal("Grid(Alpha=0.5, Layer=1, Pooling=last)", variants[0].DisplayName);
        Assert.Equal("Grid(Alpha=0.5, Layer=3, Pooling=mean)", variants[^1].DisplayName);
        Assert.Equal(6, variants.Select(v => v.KeyMaterial).Distinct().Count());
        Assert.Contains("v3", variants[0].KeyMaterial);

        var instance = (GridDetector)variants[^1].CreateInstance();
        Assert.Equal((3, "mean", 0.5), (instance.Layer, instance.Pooling, instance.Alpha));
    }

    [Fact]
    public void Quick_profile_uses_QuickParams_or_the_first_value()
    {
        var quick = ParameterSpace.Expand(Describe<GridDetector>(), RunProfile.Quick);
        Assert.Equal(["Grid(Alpha=0.5, Layer=2, Pooling=last)"], quick.Select(v => v.DisplayName));
    }

    [Fact]
    public void Unconvertible_param_values_are_reported()
    {
        Assert.Null(MethodDiscovery.TryDescribe(typeof(BadParamsDetector), Services, null, out var problem));
        Assert.Contains("\"not a number\" cannot be converted to Int32 for parameter Layer", problem);
    }

    [Fact]
    public void Globs_filter_and_unknown_names_list_what_is_available()
    {
        var methods = new[] { Describe<GridDetector>() };
        var testbeds = new ITestbed[] { new SyntheticTestbed("sales-a", 0.5), new SyntheticTestbed("sales-b", 0.5), new SyntheticTestbed("other", 0.5) };
        Assert.Equal(12, RunMatrix.Build(testbeds, methods, ["sales-*"], ["gr?d"], RunProfile.Full).Count);
        Assert.Equal(18, RunMatrix.Build(testbeds, methods, [], [], RunProfile.Full).Count);

        var e = Assert.Throws<RunConfigurationException>(() => RunMatrix.Build(testbeds, methods, [], ["MyProbe"], RunProfile.Full));
        Assert.Equal("Unknown method 'MyProbe'. Available: Grid", e.Message);
        e = Assert.Throws<RunConfigurationException>(() => RunMatrix.Build(testbeds, methods, ["x*"], [], RunProfile.Full));
        Assert.Equal("No testbed matches 'x*'. Available: other, sales-a, sales-b", e.Message);
    }

    [Theory]
    [InlineData("*probe", "MeanDiffProbe", true)]
    [InlineData("mean*", "MeanDiffProbe", true)]
    [InlineData("m?an*e", "MeanDiffProbe", true)]
    [InlineData("probe", "MeanDiffProbe", false)]
    [InlineData("*a*b*c", "xaxbxc", true)]
    [InlineData("*a*b*c", "xaxbxcx", false)]
    public void Glob_matching(string glob, string text, bool match) => Assert.Equal(match, Glob.IsMatch(glob, text));

    [Fact]
    public void Option_values_split_on_commas() =>
        Assert.Equal(["a", "b*", "c"], Glob.Split(["a, b*", "c"]));
}
