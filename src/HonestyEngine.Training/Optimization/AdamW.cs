using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Optimization;

/// <summary>AdamW exactly as torch.optim.AdamW: decoupled weight decay (p -= lr * wd * p, applied to
/// matrices only), then Adam with bias-corrected moments: p -= lr * m_hat / (sqrt(v_hat) + eps).</summary>
public sealed class AdamW
{
    private readonly IReadOnlyList<ParameterTensor> _parameters;
    private readonly float[][] _m, _v;
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    public float WeightDecay { get; init; }
    public int StepCount { get; private set; }

    public AdamW(IReadOnlyList<ParameterTensor> parameters)
    {
        _parameters = parameters;
        _m = parameters.Select(p => new float[p.Length]).ToArray();
        _v = parameters.Select(p => new float[p.Length]).ToArray();
    }

    public void Step(float learningRate)
    {
        StepCount++;
        float bc1 = 1f - MathF.Pow(Beta1, StepCount), bc2 = 1f - MathF.Pow(Beta2, StepCount);
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = p.Grad ?? throw new InvalidOperationException($"Parameter '{p.Name}' is not trainable.");
            var w = p.Value; var m = _m[i]; var v = _v[i];
            float decay = p.IsMatrix ? 1f - learningRate * WeightDecay : 1f;
            float stepSize = learningRate / bc1;
            float sqrtBc2 = MathF.Sqrt(bc2);
            Numerics.ParallelRows.For((w.Length + 8191) / 8192, 8192L * 12, chunk =>
            {
                int end = Math.Min(w.Length, (chunk + 1) * 8192);
                for (int j = chunk * 8192; j < end; j++)
                {
                    float gj = g[j];
                    float mj = m[j] = b1 * m[j] + (1f - b1) * gj;
                    float vj = v[j] = b2 * v[j] + (1f - b2) * gj * gj;
                    w[j] = w[j] * decay - stepSize * mj / (MathF.Sqrt(vj) / sqrtBc2 + eps);
                }
            });
        }
    }
}
