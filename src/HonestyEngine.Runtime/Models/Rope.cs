using HonestyEngine.Runtime.Models;

namespace HonestyEngine.Runtime.Models;

/// <summary>Rotary position embedding with transformers' rotate_half convention: the first rotary_dim/2 and second
/// rotary_dim/2 features of each head form the pairs; features past rotary_dim (partial rotary) pass through.</summary>
internal static class Rope
{
    public static void Apply(Span<float> x, int T, int heads, int headDim, int start, RopeSettings rope)
    {
        int half = rope.RotaryDim / 2;
        Span<float> cos = stackalloc float[half], sin = stackalloc float[half];
        for (int t = 0; t < T; t++)
        {
            float pos = start + t;
            for (int i = 0; i < half; i++)
            {
                // freqs = inv_freq * position in float32, as torch does before cos/sin.
                float angle = rope.InverseFrequencies[i] * pos;
                cos[i] = MathF.Cos(angle) * rope.AttentionFactor;
                sin[i] = MathF.Sin(angle) * rope.AttentionFactor;
            }
            for (int h = 0; h < heads; h++)
            {
                var v = x.Slice((t * heads + h) * headDim, headDim);
                for (int i = 0; i < half; i++)
                {
                    float a = v[i], b = v[i + half];
                    v[i] = a * cos[i] - b * sin[i];
                    v[i + half] = b * cos[i] + a * sin[i];
                }
            }
        }
    }
}
