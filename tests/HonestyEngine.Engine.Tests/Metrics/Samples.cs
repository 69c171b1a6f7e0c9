using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Metrics;

/// <summary>Builds sample records for metric tests.</summary>
internal static class Samples
{
    public static List<SampleRecord> Detector(IEnumerable<double> lies, IEnumerable<double> honest, IEnumerable<double> control,
        string testbed = "tb", string method = "m")
    {
        var list = new List<SampleRecord>();
        int i = 0;
        foreach (var s in lies) list.Add(new SampleRecord { Testbed = testbed, Method = method, Sample = $"e{i++}", Split = "eval", Label = 1, Score = s });
        foreach (var s in honest) list.Add(new SampleRecord { Testbed = testbed, Method = method, Sample = $"e{i++}", Split = "eval", Label = 0, Score = s });
        foreach (var s in control) list.Add(new SampleRecord { Testbed = testbed, Method = method, Sample = $"c{i++}", Split = "control", Label = 0, Score = s });
        return list;
    }

    /// <summary>Gaussian scores (Box-Muller on a seeded System.Random): lies ~ N(shift, 1), honest and control ~ N(0, 1).</summary>
    public static List<SampleRecord> GaussianDetector(int seed, int lies, int honest, int control, double shift, string testbed = "tb", string method = "m")
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var l = Enumerable.Range(0, lies).Select(_ => shift + Normal()).ToList();
        var h = Enumerable.Range(0, honest).Select(_ => Normal()).ToList();
        var c = Enumerable.Range(0, control).Select(_ => Normal() - 0.2).ToList();
        return Detector(l, h, c, testbed, method);
    }
}
