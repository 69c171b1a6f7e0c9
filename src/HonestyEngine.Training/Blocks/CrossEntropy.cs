using System.Numerics.Tensors;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Blocks;

/// <summary>Token cross-entropy, -log softmax(logits)[target], with its gradient
/// (softmax - onehot) * scale. Per-row losses are summed in row order in double precision.</summary>
public static class CrossEntropy
{
    /// <param name="dLogits">receives (softmax - onehot) * gradScale per row; may be the logits buffer itself; null = loss only</param>
    /// <returns>the summed loss over rows</returns>
    public static double Forward(float[] logits, int[] targets, int rows, int vocab, float[]? dLogits, float gradScale)
    {
        var rowLoss = new double[rows];
        ParallelRows.For(rows, 6L * vocab, r =>
        {
            var z = logits.AsSpan(r * vocab, vocab);
            float max = TensorPrimitives.Max(z);
            if (!float.IsFinite(max))
                throw new NonFiniteValueException($"non-finite logits at loss row {r} (max {max}); the model has diverged.");
            int target = targets[r];
            float zt = z[target];
            // log-sum-exp in double for the loss; probabilities in float for the gradient.
            double sum = 0;
            if (dLogits is null)
            {
                for (int j = 0; j < vocab; j++) sum += Math.Exp(z[j] - max);
            }
            else
            {
                var d = dLogits.AsSpan(r * vocab, vocab);
                TensorPrimitives.Subtract(z, max, d);
                TensorPrimitives.Exp(d, d);
                for (int j = 0; j < vocab; j++) sum += d[j];
                TensorPrimitives.Multiply(d, (float)(gradScale / sum), d);
                d[target] -= gradScale;
            }
            rowLoss[r] = Math.Log(sum) + max - zt;
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        return total;
    }
}
