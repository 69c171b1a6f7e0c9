namespace HonestyEngine.Training.Blocks;

/// <summary>The llama MLP gate: act = silu(gate) * up, and its backward pass.</summary>
public static class SwiGlu
{
    public static void Forward(float[] gate, float[] up, float[] act, int count)
    {
        Numerics.ParallelRows.For((count + 4095) / 4096, 4096L * 20, chunk =>
        {
            int end = Math.Min(count, (chunk + 1) * 4096);
            for (int i = chunk * 4096; i < end; i++)
            {
                float g = gate[i];
                act[i] = g / (1f + MathF.Exp(-g)) * up[i];
            }
        });
    }

    /// <summary>dgate = dact*up*silu'(gate), dup = dact*silu(gate); silu'(x) = s(1 + x(1 - s)).</summary>
    public static void Backward(float[] dAct, float[] gate, float[] up, float[] dGate, float[] dUp, int count)
    {
        Numerics.ParallelRows.For((count + 4095) / 4096, 4096L * 30, chunk =>
        {
            int end = Math.Min(count, (chunk + 1) * 4096);
            for (int i = chunk * 4096; i < end; i++)
            {
                float g = gate[i], s = 1f / (1f + MathF.Exp(-g)), da = dAct[i];
                dUp[i] = da * g * s;
                dGate[i] = da * up[i] * s * (1f + g * (1f - s));
            }
        });
    }
}
