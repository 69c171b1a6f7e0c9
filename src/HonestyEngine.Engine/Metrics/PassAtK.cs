namespace HonestyEngine.Engine.Metrics;

/// <summary>pass@k with the unbiased estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained on
/// Code", eq. 1): for an item with n guesses of which c are correct, pass@k = 1 - C(n-c, k) / C(n, k), computed as
/// the numerically stable product 1 - prod_{i=n-c+1}^{n} (1 - k/i).</summary>
public static class PassAtK
{
    public static double Estimate(int n, int c, int k)
    {
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(k), $"pass@k needs 1 <= k <= n (k = {k}, n = {n}).");
        if (c < 0 || c > n) throw new ArgumentOutOfRangeException(nameof(c), $"correct count {c} outside 0..{n}.");
        if (n - c < k) return 1.0;
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) allWrong *= 1.0 - (double)k / i;
        return 1.0 - allWrong;
    }
}
