using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>The CCS optimisation (Burns et al., `CCS.train` in their repo): per-half normalisation, a
/// linear probe with a sigmoid, consistency + confidence loss, Adam with weight decay, best of several restarts.</summary>
internal static class CcsTrainer
{
    internal sealed record Result(float[] Weights, float Bias, double Loss, double TrainAccuracy);

    public static Result Train(Tensor xPos, Tensor xNeg, bool[] truth, int epochs, int restarts, double lr, double weightDecay, int seed)
    {
        if (epochs < 1 || restarts < 1) throw new MethodInputException($"CCS needs epochs >= 1 and restarts >= 1 (got {epochs}, {restarts}).");
        int n = xPos.Rows, d = xPos.RowLength;
        var zPos = Standardizer.Fit(xPos).Transform(xPos);
        var zNeg = Standardizer.Fit(xNeg).Transform(xNeg);

        double bestLoss = double.PositiveInfinity;
        double[] best = [];
        for (int r = 0; r < restarts; r++)
        {
            var theta = Fit(zPos, zNeg, n, d, epochs, lr, weightDecay, new Random(seed * 7919 + r), out double loss);
            if (loss < bestLoss) { bestLoss = loss; best = theta; }
        }
        if (!double.IsFinite(bestLoss)) throw new MethodInputException("CCS diverged (non-finite loss) in every restart.");

        // Sign: CCS finds truth up to a flip; fix it on the statements' own truth values.
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            double pPos = Sigmoid(Dot(best, zPos.ReadRow(i), d)), pNeg = Sigmoid(Dot(best, zNeg.ReadRow(i), d));
            bool predictedTrue = 0.5 * (pPos + 1 - pNeg) > 0.5;
            if (predictedTrue == truth[i]) correct++;
        }
        double accuracy = correct / (double)n;
        if (accuracy < 0.5) { for (int j = 0; j <= d; j++) best[j] = -best[j]; accuracy = 1 - accuracy; }
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)best[j];
        return new Result(w, (float)best[d], bestLoss, accuracy);
    }

    /// <summary>theta = [w (d), b]; full-batch Adam on the CCS loss.</summary>
    private static double[] Fit(Tensor zPos, Tensor zNeg, int n, int d, int epochs, double lr, double weightDecay, Random rng, out double loss)
    {
        var theta = new double[d + 1];
        double initScale = 1.0 / Math.Sqrt(d); // torch nn.Linear's uniform(-1/sqrt(d), 1/sqrt(d))
        for (int j = 0; j < d; j++) theta[j] = (rng.NextDouble() * 2 - 1) * initScale;
        theta[d] = (rng.NextDouble() * 2 - 1) * initScale;
        var m = new double[d + 1];
        var v = new double[d + 1];
        var grad = new double[d + 1];
        const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        loss = double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            Array.Clear(grad);
            loss = 0;
            for (int i = 0; i < n; i++)
            {
                var a = zPos.ReadRow(i);
                var b = zNeg.ReadRow(i);
                double pA = Sigmoid(Dot(theta, a, d)), pB = Sigmoid(Dot(theta, b, d));
                double consistency = pA - (1 - pB);
                double confidence = Math.Min(pA, pB);
                loss += consistency * consistency + confidence * confidence;
                double gA = 2 * consistency + (pA <= pB ? 2 * confidence : 0);
                double gB = 2 * consistency + (pB < pA ? 2 * confidence : 0);
                gA *= pA * (1 - pA) / n;
                gB *= pB * (1 - pB) / n;
                for (int j = 0; j < d; j++) grad[j] += gA * a[j] + gB * b[j];
                grad[d] += gA + gB;
            }
            loss /= n;
            for (int j = 0; j <= d; j++)
            {
                double g = grad[j] + weightDecay * theta[j]; // torch Adam's L2-style weight_decay
                m[j] = beta1 * m[j] + (1 - beta1) * g;
                v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                double mHat = m[j] / (1 - Math.Pow(beta1, epoch));
                double vHat = v[j] / (1 - Math.Pow(beta2, epoch));
                theta[j] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
        return theta;
    }

    private static double Dot(double[] theta, ReadOnlySpan<float> x, int d)
    {
        double s = theta[d];
        for (int j = 0; j < d; j++) s += theta[j] * x[j];
        return s;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
