using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Tests;

public class MatMulTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var impl in new[] { "simple", "simple-serial", "runtime", "runtime-serial" })
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                foreach (var (alpha, beta) in new[] { (0.5f, 2f), (1f, 0f), (1f, 1f) })
                    yield return [impl, ta, tb, alpha, beta];
    }

    private static IMatMul Impl(string name) => name switch
    {
        "simple" => SimpleMatMul.Instance,
        "simple-serial" => SimpleMatMul.Instance.Serial,
        "runtime" => RuntimeMatMul.Instance,
        _ => RuntimeMatMul.Instance.Serial,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gemm_matches_the_definition_for_every_transpose(string impl, bool transA, bool transB, float alpha, float beta)
    {
        int m = 37, n = 45, k = 300;   // k beyond one 256 block, n beyond one 32-column panel
        var a = GradientCheck.RandomArray(m * k, 1); var b = GradientCheck.RandomArray(k * n, 2);
        var c = GradientCheck.RandomArray(m * n, 3);
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                expected[i * n + j] = alpha * s + beta * c[i * n + j];
            }
        Impl(impl).Gemm(transA, transB, m, n, k, alpha, a, transA ? m : k, b, transB ? k : n, beta, c, n);
        for (int i = 0; i < m * n; i++) Assert.True(Math.Abs(expected[i] - c[i]) < 1e-3, $"C[{i}] = {c[i]}, expected {expected[i]}");
    }
}

public class ParallelRowsTests
{
    [Fact]
    public void An_error_in_a_parallel_item_surfaces_as_itself()
    {
        var e = Assert.Throws<NonFiniteValueException>(() =>
            HonestyEngine.Training.Numerics.ParallelRows.For(64, 1_000_000, i => { if (i == 40) throw new NonFiniteValueException("item 40"); }));
        Assert.Equal("item 40", e.Message);
    }
}
