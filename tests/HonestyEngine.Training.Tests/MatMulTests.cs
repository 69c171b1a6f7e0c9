using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Tests;

public class MatMulTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gemm_matches_the_definition_for_every_transpose(bool transA, bool transB)
    {
        int m = 37, n = 29, k = 41;
        var a = GradientCheck.RandomArray(m * k, 1); var b = GradientCheck.RandomArray(k * n, 2);
        var c = GradientCheck.RandomArray(m * n, 3);
        var expected = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)(transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                expected[i * n + j] = 0.5 * s + 2.0 * c[i * n + j];
            }
        SimpleMatMul.Instance.Gemm(transA, transB, m, n, k, 0.5f, a, transA ? m : k, b, transB ? k : n, 2f, c, n);
        for (int i = 0; i < m * n; i++) Assert.True(Math.Abs(expected[i] - c[i]) < 1e-4, $"C[{i}] = {c[i]}, expected {expected[i]}");
    }
}
