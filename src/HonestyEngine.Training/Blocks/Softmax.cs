using System.Numerics.Tensors;

namespace HonestyEngine.Training.Blocks;

/// <summary>Row softmax under a causal mask, and its backward pass.</summary>
public static class Softmax
{
    /// <summary>In place: row[0..t] becomes softmax(row[0..t]); row[t+1..] becomes 0 (masked).</summary>
    public static void CausalRow(Span<float> row, int t)
    {
        var live = row[..(t + 1)];
        float max = TensorPrimitives.Max(live);
        TensorPrimitives.Subtract(live, max, live);
        TensorPrimitives.Exp(live, live);
        float sum = TensorPrimitives.Sum(live);
        TensorPrimitives.Multiply(live, 1f / sum, live);
        row[(t + 1)..].Clear();
    }

    /// <summary>In place on dRow (dP in, dS out): dS = P (dP - P.dP) * scale on [0..t], 0 above.</summary>
    public static void CausalRowBackward(ReadOnlySpan<float> p, Span<float> dRow, int t, float scale)
    {
        var live = dRow[..(t + 1)];
        float pdp = TensorPrimitives.Dot(p, live);
        TensorPrimitives.Subtract(live, pdp, live);
        TensorPrimitives.Multiply(live, p, live);
        TensorPrimitives.Multiply(live, scale, live);
        dRow[(t + 1)..].Clear();
    }
}
