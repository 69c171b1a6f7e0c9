using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Optimization;

/// <summary>torch.nn.utils.clip_grad_norm_: scales all gradients by min(1, max_norm / (norm + 1e-6))
/// where norm is the global L2 norm, summed in double in parameter order (deterministic).</summary>
public static class GradientClipping
{
    public static double GlobalNorm(IReadOnlyList<ParameterTensor> parameters)
    {
        double sum = 0;
        foreach (var p in parameters)
        {
            var g = p.Grad!;
            double s = 0;
            for (int i = 0; i < g.Length; i++) s += (double)g[i] * g[i];
            sum += s;
        }
        return Math.Sqrt(sum);
    }

    /// <returns>the norm before clipping. Throws <see cref="NonFiniteValueException"/> if it is NaN or infinite.</returns>
    public static double Clip(IReadOnlyList<ParameterTensor> parameters, double maxNorm)
    {
        double norm = GlobalNorm(parameters);
        if (!double.IsFinite(norm))
        {
            var bad = parameters.FirstOrDefault(p => p.Grad!.Any(v => !float.IsFinite(v)));
            throw new NonFiniteValueException($"non-finite gradient norm ({norm}){(bad is null ? "" : $"; first bad gradient in '{bad.Name}'")}.");
        }
        if (maxNorm > 0 && norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var p in parameters) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Grad!, scale, p.Grad!);
        }
        return norm;
    }
}
