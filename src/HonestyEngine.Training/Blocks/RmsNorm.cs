using System.Numerics.Tensors;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Blocks;

/// <summary>Llama RMSNorm, y = w * x / sqrt(mean(x^2) + eps), with its backward pass.
/// The forward saves 1/rms per row; the backward needs only x, w and that.</summary>
public static class RmsNorm
{
    public static void Forward(float[] x, float[] weight, float[] y, float[] rstd, int rows, int d, float eps)
    {
        var w = weight;
        ParallelRows.For(rows, 4L * d, r =>
        {
            var xr = x.AsSpan(r * d, d);
            var yr = y.AsSpan(r * d, d);
            double meanSquare = TensorPrimitives.SumOfSquares(xr) / d;
            float s = (float)(1.0 / Math.Sqrt(meanSquare + eps));
            rstd[r] = s;
            TensorPrimitives.Multiply(xr, s, yr);
            TensorPrimitives.Multiply(yr, w, yr);
        });
    }

    /// <summary>dx = r*g - x*r^3*(g.x)/d with g = dy*w (written, not accumulated); dw += sum_rows dy*x*r.</summary>
    public static void Backward(float[] dy, float[] x, float[] weight, float[] rstd, float[] dx, float[]? dWeight, int rows, int d)
    {
        var w = weight;
        ParallelRows.For(rows, 8L * d, r =>
        {
            var dyr = dy.AsSpan(r * d, d);
            var xr = x.AsSpan(r * d, d);
            var dxr = dx.AsSpan(r * d, d);
            float s = rstd[r];
            TensorPrimitives.Multiply(dyr, w, dxr);                    // g = dy * w
            float gx = TensorPrimitives.Dot(dxr, xr);
            float c = -gx * s * s * s / d;
            TensorPrimitives.Multiply(dxr, s, dxr);                    // r * g
            TensorPrimitives.MultiplyAdd(xr, c, dxr, dxr);             // - x r^3 (g.x)/d
        });
        if (dWeight is null) return;
        // Weight gradient: a fixed row order (serial; O(rows*d), negligible next to the GEMMs).
        var tmp = new float[d];
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Multiply(dy.AsSpan(r * d, d), x.AsSpan(r * d, d), tmp);
            TensorPrimitives.MultiplyAdd(tmp, rstd[r], dWeight, dWeight);
        }
    }
}
