using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Tests.Numerics;

/// <summary>The vectorised activation and RoPE kernels against their scalar definitions, on lengths that cover the
/// 16-lane, 8-lane and scalar tails.</summary>
public class ElementwiseKernelTests
{
    private static float[] Rand(int n, int seed, float scale)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(1000)]
    public void Silu_and_GeluTanh_match_the_scalar_formulas(int n)
    {
        var x = Rand(n, n, 12f);
        x[0] = -100f; // exp(100) overflows to +Inf: SiLU must give -0, not NaN
        var silu = (float[])x.Clone();
        Kernels.Silu(silu);
        var gelu = (float[])x.Clone();
        Kernels.GeluTanh(gelu);
        for (int i = 0; i < n; i++)
        {
            double v = x[i];
            double eSilu = v / (1 + Math.Exp(-v));
            double eGelu = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.True(Math.Abs(silu[i] - eSilu) <= 1e-6 * Math.Max(1, Math.Abs(eSilu)), $"silu({v}) = {silu[i]}, expected {eSilu}");
            Assert.True(Math.Abs(gelu[i] - eGelu) <= 1e-6 * Math.Max(1, Math.Abs(eGelu)), $"gelu_tanh({v}) = {gelu[i]}, expected {eGelu}");
        }
    }

    [Theory]
    [InlineData(64, 64)]   // half = 32: two 16-lane steps
    [InlineData(80, 80)]   // half = 40: 16 + 16 + 8
    [InlineData(12, 12)]   // half = 6: scalar only
    [InlineData(128, 64)]  // partial rotary: features past rotary_dim pass through
    public void Rope_vector_path_is_bitwise_the_scalar_rotation(int headDim, int rotaryDim)
    {
        int T = 5, heads = 3, start = 7;
        var rope = RopeSettings.Create("test", "default", 10000, rotaryDim, new Dictionary<string, double>());
        var x = Rand(T * heads * headDim, headDim, 3f);
        var y = (float[])x.Clone();
        Rope.Apply(y, T, heads, headDim, start, rope);
        int half = rotaryDim / 2;
        for (int t = 0; t < T; t++)
            for (int h = 0; h < heads; h++)
            {
                int o = (t * heads + h) * headDim;
                for (int i = 0; i < half; i++)
                {
                    float angle = rope.InverseFrequencies[i] * (start + t);
                    float cos = MathF.Cos(angle), sin = MathF.Sin(angle);
                    float a = x[o + i], b = x[o + i + half];
                    Assert.Equal(a * cos - b * sin, y[o + i]);
                    Assert.Equal(b * cos + a * sin, y[o + i + half]);
                }
                for (int i = rotaryDim; i < headDim; i++) Assert.Equal(x[o + i], y[o + i]);
            }
    }
}
