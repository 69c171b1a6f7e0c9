using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Runtime.Models;

/// <summary>Rotary position embedding with transformers' rotate_half convention: the first rotary_dim/2 and second
/// rotary_dim/2 features of each head form the pairs; features past rotary_dim (partial rotary) pass through.</summary>
internal static class Rope
{
    /// <summary>cos and sin [T, rotary_dim/2] for positions start.., computed once per forward pass and rope type
    /// (shared by q and k and by every layer with the same settings) instead of per head.</summary>
    public sealed class Table
    {
        public readonly int Half, Start, Count;
        public readonly float[] Cos, Sin;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public Table(RopeSettings rope, int start, int count)
        {
            Half = rope.RotaryDim / 2; Start = start; Count = count;
            Cos = new float[count * Half];
            Sin = new float[count * Half];
            for (int t = 0; t < count; t++)
            {
                float pos = start + t;
                for (int i = 0; i < Half; i++)
                {
                    // freqs = inv_freq * position in float32, as torch does before cos/sin.
                    float angle = rope.InverseFrequencies[i] * pos;
                    Cos[t * Half + i] = MathF.Cos(angle) * rope.AttentionFactor;
                    Sin[t * Half + i] = MathF.Sin(angle) * rope.AttentionFactor;
                }
            }
        }
    }

    public static void Apply(Span<float> x, int T, int heads, int headDim, int start, RopeSettings rope)
        => Apply(x, T, heads, headDim, new Table(rope, start, T));

    /// <summary>Rotates T rows of <paramref name="heads"/> heads in place. Multiplies and adds are separate (no fused
    /// multiply-add), so the vector path gives bit-for-bit the scalar results a * cos - b * sin, b * cos + a * sin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Apply(Span<float> x, int T, int heads, int headDim, Table table)
    {
        int half = table.Half;
        if (table.Count < T) throw new ArgumentException($"RoPE table has {table.Count} positions, {T} needed.");
        fixed (float* px = x, pc = table.Cos, ps = table.Sin)
        {
            for (int t = 0; t < T; t++)
            {
                float* cos = pc + t * half, sin = ps + t * half;
                for (int h = 0; h < heads; h++)
                {
                    float* v = px + (long)(t * heads + h) * headDim;
                    int i = 0;
                    if (Vector512.IsHardwareAccelerated)
                        for (; i + 16 <= half; i += 16)
                        {
                            var a = Vector512.Load(v + i); var b = Vector512.Load(v + i + half);
                            var c = Vector512.Load(cos + i); var s = Vector512.Load(sin + i);
                            (a * c - b * s).Store(v + i);
                            (b * c + a * s).Store(v + i + half);
                        }
                    for (; i + 8 <= half; i += 8)
                    {
                        var a = Vector256.Load(v + i); var b = Vector256.Load(v + i + half);
                        var c = Vector256.Load(cos + i); var s = Vector256.Load(sin + i);
                        (a * c - b * s).Store(v + i);
                        (b * c + a * s).Store(v + i + half);
                    }
                    for (; i < half; i++)
                    {
                        float a = v[i], b = v[i + half];
                        v[i] = a * cos[i] - b * sin[i];
                        v[i + half] = b * cos[i] + a * sin[i];
                    }
                }
            }
        }
    }
}
