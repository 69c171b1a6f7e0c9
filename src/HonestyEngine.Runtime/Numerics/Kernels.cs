using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Runtime.Numerics;

/// <summary>Span-in/span-out building blocks of the transformer forward pass, computed in float32 the way
/// transformers computes them (RMSNorm as x * rsqrt(mean(x^2) + eps) * w, softmax with max subtraction).</summary>
public static class Kernels
{
    /// <summary>RMSNorm of one row. <paramref name="plusOne"/> uses Gemma's (1 + w) scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, bool plusOne, Span<float> y)
    {
        float ms = TensorPrimitives.SumOfSquares(x) / x.Length;
        float r = 1f / MathF.Sqrt(ms + eps);
        if (plusOne)
            for (int i = 0; i < x.Length; i++) y[i] = x[i] * r * (1f + weight[i]);
        else
        {
            TensorPrimitives.Multiply(x, r, y);
            TensorPrimitives.Multiply(y, weight, y);
        }
    }

    /// <summary>LayerNorm of one row (biased variance, as torch.nn.LayerNorm).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps, Span<float> y)
    {
        float mean = TensorPrimitives.Sum(x) / x.Length;
        float var = 0;
        for (int i = 0; i < x.Length; i++) { float d = x[i] - mean; var += d * d; }
        var /= x.Length;
        float r = 1f / MathF.Sqrt(var + eps);
        for (int i = 0; i < x.Length; i++) y[i] = (x[i] - mean) * r * weight[i] + bias[i];
    }

    /// <summary>In-place numerically stable softmax.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(Span<float> x)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, x);
        TensorPrimitives.Exp(x, x);
        float s = TensorPrimitives.Sum(x);
        TensorPrimitives.Multiply(x, 1f / s, x);
    }

    /// <summary>log_softmax(x)[index], computed in double for summing continuation log-probabilities.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogSoftmaxAt(ReadOnlySpan<float> x, int index)
    {
        float max = TensorPrimitives.Max(x);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - max);
        return x[index] - max - Math.Log(s);
    }

    /// <summary>cap * tanh(x / cap) in place (Gemma attention and final soft-capping).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftCap(Span<float> x, float cap)
    {
        TensorPrimitives.Multiply(x, 1f / cap, x);
        TensorPrimitives.Tanh(x, x);
        TensorPrimitives.Multiply(x, cap, x);
    }

    /// <summary>SiLU: x / (1 + exp(-x)), as torch's CPU kernel computes it; 16 lanes at a time where AVX-512 runs
    /// (Vector512.Exp is within an ulp or two of MathF.Exp).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Silu(Span<float> x)
    {
        int i = 0;
        fixed (float* p = x)
        {
            if (Vector512.IsHardwareAccelerated)
                for (; i + 16 <= x.Length; i += 16)
                {
                    var v = Vector512.Load(p + i);
                    (v / (Vector512<float>.One + Vector512.Exp(-v))).Store(p + i);
                }
        }
        for (; i < x.Length; i++) x[i] = x[i] / (1f + MathF.Exp(-x[i]));
    }

    private const float Sqrt2OverPi = 0.7978845608028654f;

    /// <summary>GELU tanh approximation (gelu_new, gelu_pytorch_tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluTanh(Span<float> x)
    {
        // Inner argument per chunk, then the vectorised tanh over the chunk.
        Span<float> inner = stackalloc float[256];
        for (int start = 0; start < x.Length; start += inner.Length)
        {
            var chunk = x.Slice(start, Math.Min(inner.Length, x.Length - start));
            var t = inner[..chunk.Length];
            for (int i = 0; i < chunk.Length; i++)
            {
                float v = chunk[i];
                t[i] = Sqrt2OverPi * (v + 0.044715f * v * v * v);
            }
            TensorPrimitives.Tanh(t, t);
            for (int i = 0; i < chunk.Length; i++) chunk[i] = 0.5f * chunk[i] * (1f + t[i]);
        }
    }

    /// <summary>Exact GELU x * Phi(x) (hidden_act "gelu").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GeluErf(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.5 * x[i] * (1 + Erf(x[i] / Math.Sqrt(2))));
    }

    /// <summary>erf to ~1e-15 (W. J. Cody's rational approximations are overkill; this uses the series/continued
    /// fraction split, accurate far beyond float32).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double r;
        if (ax < 2.5)
        {
            // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 60; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            r = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // Continued fraction for erfc, evaluated bottom-up.
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
            r = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}
