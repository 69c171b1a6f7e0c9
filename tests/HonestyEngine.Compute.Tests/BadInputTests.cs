using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Tests;

/// <summary>Bad input gets a clear error on every backend: shapes name the argument and sizes; NaN/Inf
/// name the row and column and never come back as numbers.</summary>
public class BadInputTests
{
    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Mismatched_shapes_name_the_argument(string backend)
    {
        var c = Backends.Create(backend);
        var e = Assert.Throws<ArgumentException>(() => c.ProjectScores(new float[10], 3, 4, new float[4], 1, [], new float[3]));
        Assert.Contains("x has 10 elements but its shape [3, 4] needs 12", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.ProjectScores(new float[12], 3, 4, new float[5], 1, [], new float[3]));
        Assert.Contains("w has 5 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.ProjectScores(new float[12], 3, 4, new float[8], 2, new float[3], new float[6]));
        Assert.Contains("bias has 3 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.Gram(new float[12], 3, 4, new float[15]));
        Assert.Contains("gram has 15 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.MeanCovariance(new float[12], 3, 4, new float[3], new float[16]));
        Assert.Contains("mean has 3 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.FitLogistic(new float[12], 3, 4, new float[2], new LogisticOptions()));
        Assert.Contains("y has 2 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.FitLogistic(new float[12], 3, 4, [0, 1, 2], new LogisticOptions()));
        Assert.Contains("y[2] is 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.FitLogistic(new BFloat16[11], 3, 4, [0, 1, 0], new LogisticOptions()));
        Assert.Contains("x has 11 elements but its shape [3, 4] needs 12", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.TopK(new float[4], 1, 4, new float[8], 2, 3, false, new int[3], new float[3]));
        Assert.Contains("k = 3 exceeds", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.Auroc(new float[6], 3, 2, [0, 1], new double[2]));
        Assert.Contains("labels has 2 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => c.Auroc(new float[2], 2, 1, [0, 3], new double[1]));
        Assert.Contains("labels[1] is 3", e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void NaN_and_Inf_in_activations_are_reported_with_row_and_column(string backend)
    {
        var c = Backends.Create(backend);
        int n = 37, d = 21;
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var x = Data.Gaussian(n * d, 1);
            x[29 * d + 17] = bad;
            string where = "row 29, column 17";
            var e = Assert.Throws<MethodInputException>(() => c.ProjectScores(x, n, d, Data.Gaussian(2 * d, 2), 2, [], new float[n * 2]));
            Assert.Contains(where, e.Message);
            e = Assert.Throws<MethodInputException>(() => c.Gram(x, n, d, new float[d * d]));
            Assert.Contains(where, e.Message);
            e = Assert.Throws<MethodInputException>(() => c.MeanCovariance(x, n, d, new float[d], new float[d * d]));
            Assert.Contains(where, e.Message);
            var y = new float[n]; for (int i = 0; i < n; i += 2) y[i] = 1;
            e = Assert.Throws<MethodInputException>(() => c.FitLogistic(x, n, d, y, new LogisticOptions()));
            Assert.Contains(where, e.Message);
            var xBf16 = new BFloat16[x.Length];
            BFloat16.FromSingle(x, xBf16);
            e = Assert.Throws<MethodInputException>(() => c.FitLogistic(xBf16, n, d, y, new LogisticOptions()));
            Assert.Contains(where, e.Message);
            Assert.Contains(float.IsNaN(bad) ? "NaN" : bad > 0 ? "+Inf" : "-Inf", e.Message);
            e = Assert.Throws<MethodInputException>(() => c.TopK(Data.Gaussian(d, 3), 1, d, x, n, 3, true, new int[3], new float[3]));
            Assert.Contains(where, e.Message);
            e = Assert.Throws<MethodInputException>(() => c.TopK(x, n, d, Data.Gaussian(5 * d, 3), 5, 3, false, new int[n * 3], new float[n * 3]));
            Assert.Contains("queries contains", e.Message);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void NaN_probe_weights_and_scores_are_rejected(string backend)
    {
        var c = Backends.Create(backend);
        var w = new float[8]; w[5] = float.NaN;
        var e = Assert.Throws<MethodInputException>(() => c.ProjectScores(new float[8], 2, 4, w, 2, [], new float[4]));
        Assert.Contains("w (probe weights) contains NaN at row 1, column 1", e.Message);
        e = Assert.Throws<MethodInputException>(() => c.Auroc([0.5f, float.NaN, 0.1f, 0.2f], 2, 2, [0, 1], new double[2]));
        Assert.Contains("row 0, column 1", e.Message);
    }

    [Fact]
    public void Logistic_with_one_class_says_so()
    {
        var e = Assert.Throws<MethodInputException>(() => new Cpu.CpuActivationCompute().FitLogistic(new float[4], 2, 2, [1, 1], new LogisticOptions()));
        Assert.Contains("needs both classes", e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.Ilgpu), MemberType = typeof(Backends))]
    public void NaN_and_Inf_in_bfloat16_rows_are_reported_with_row_and_column(string backend)
    {
        var c = Backends.CreateIlgpu(backend);
        int n = 37, d = 21;
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var x = new BFloat16[n * d];
            BFloat16.FromSingle(Data.Gaussian(n * d, 1), x);
            x[29 * d + 17] = (BFloat16)bad;
            var e = Assert.Throws<MethodInputException>(() => c.ProjectScores(x, n, d, Data.Gaussian(2 * d, 2), 2, [], new float[n * 2]));
            Assert.Contains("row 29, column 17", e.Message);
            Assert.Contains(float.IsNaN(bad) ? "NaN" : bad > 0 ? "+Inf" : "-Inf", e.Message);
        }
        var ex = Assert.Throws<ArgumentException>(() => c.ProjectScores(new BFloat16[10], 3, 4, new float[4], 1, [], new float[3]));
        Assert.Contains("x has 10 elements but its shape [3, 4] needs 12", ex.Message);
    }
}
