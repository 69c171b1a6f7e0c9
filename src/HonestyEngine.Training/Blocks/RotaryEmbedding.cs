namespace HonestyEngine.Training.Blocks;

/// <summary>Rotary position embedding in the HF <c>rotate_half</c> convention: the head vector is
/// split into halves (x1, x2) and rotated as (x1 cos - x2 sin, x2 cos + x1 sin), with frequency
/// theta^(-2i/head_dim) for pair i. The angles are formed in float32 exactly as transformers does.
/// The backward pass is the rotation by the opposite angle.</summary>
public sealed class RotaryEmbedding
{
    private readonly float[] _cos, _sin;   // [maxPositions, half]
    public int HeadDim { get; }
    public int MaxPositions { get; }

    public RotaryEmbedding(int headDim, float theta, int maxPositions)
    {
        HeadDim = headDim;
        MaxPositions = maxPositions;
        int half = headDim / 2;
        var invFreq = new float[half];
        for (int i = 0; i < half; i++) invFreq[i] = (float)(1.0 / Math.Pow(theta, (float)(2 * i) / headDim));
        _cos = new float[maxPositions * half];
        _sin = new float[maxPositions * half];
        for (int p = 0; p < maxPositions; p++)
            for (int i = 0; i < half; i++)
            {
                float angle = p * invFreq[i];
                _cos[p * half + i] = (float)Math.Cos(angle);
                _sin[p * half + i] = (float)Math.Sin(angle);
            }
    }

    /// <summary>Rotates every head of every row in place: x is [rows, heads*head_dim]; row r is at
    /// position positions[r]. inverse=true applies the transpose rotation (the backward pass).</summary>
    public void Apply(float[] x, int[] positions, int rows, int heads, bool inverse)
    {
        int hd = HeadDim, half = hd / 2, width = heads * hd;
        float sign = inverse ? -1f : 1f;
        Numerics.ParallelRows.For(rows, 6L * width, r =>
        {
            int pos = positions[r];
            if ((uint)pos >= (uint)MaxPositions)
                throw new ArgumentOutOfRangeException(nameof(positions), $"Position {pos} is outside max_position_embeddings ({MaxPositions}).");
            var cos = _cos.AsSpan(pos * half, half);
            var sin = _sin.AsSpan(pos * half, half);
            for (int h = 0; h < heads; h++)
            {
                var v = x.AsSpan(r * width + h * hd, hd);
                for (int i = 0; i < half; i++)
                {
                    float a = v[i], b = v[i + half], c = cos[i], s = sign * sin[i];
                    v[i] = a * c - b * s;
                    v[i + half] = b * c + a * s;
                }
            }
        });
    }
}
