using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>A straightforward double-precision <see cref="IActivationCompute"/> for tests (the accelerated
/// backends come from HonestyEngine.Compute). Logistic regression by Newton's method on the contract's objective:
/// mean log-loss + L2/2 |w|^2, intercept unpenalised.</summary>
public sealed class ReferenceCompute : IActivationCompute
{
    public string Name => "reference (tests)";
    public int LogisticFits { get; private set; }

    public void ProjectScores(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        Require(x.Length == n * d && w.Length == k * d && bias.Length == k && scores.Length == n * k, "ProjectScores shapes");
        for (int i = 0; i < n; i++)
            for (int c = 0; c < k; c++)
            {
                double s = bias[c];
                for (int j = 0; j < d; j++) s += (double)x[i * d + j] * w[c * d + j];
                scores[i * k + c] = (float)s;
            }
    }

    public void MeanCovariance(ReadOnlySpan<float> x, int n, int d, Span<float> mean, Span<float> covariance)
    {
        Require(x.Length == n * d && mean.Length == d && covariance.Length == d * d && n >= 2, "MeanCovariance shapes");
        var m = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m[j] += x[i * d + j];
        for (int j = 0; j < d; j++) { m[j] /= n; mean[j] = (float)m[j]; }
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += (x[i * d + a] - m[a]) * (x[i * d + b] - m[b]);
                covariance[a * d + b] = (float)(s / (n - 1));
            }
    }

    public void Gram(ReadOnlySpan<float> x, int n, int d, Span<float> gram)
    {
        Require(x.Length == n * d && gram.Length == d * d, "Gram shapes");
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += (double)x[i * d + a] * x[i * d + b];
                gram[a * d + b] = (float)s;
            }
    }

    /// <summary>Widens and fits in double, like the float32 overload.</summary>
    public LinearModel FitLogistic(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        var wide = new float[x.Length];
        BFloat16.ToSingle(x, wide);
        return FitLogistic(wide, n, d, y, options);
    }

    public LinearModel FitLogistic(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, LogisticOptions options)
    {
        Require(x.Length == n * d && y.Length == n, "FitLogistic shapes");
        LogisticFits++;
        int p = d + 1;
        var theta = new double[p];
        for (int iter = 0; iter < options.MaxIterations; iter++)
        {
            var g = new double[p];
            var h = new double[p * p];
            for (int i = 0; i < n; i++)
            {
                double z = theta[d];
                for (int j = 0; j < d; j++) z += theta[j] * x[i * d + j];
                double mu = 1 / (1 + Math.Exp(-z));
                double r = (mu - y[i]) / n, wgt = mu * (1 - mu) / n;
                for (int a = 0; a < p; a++)
                {
                    double xa = a < d ? x[i * d + a] : 1;
                    g[a] += r * xa;
                    for (int b = 0; b <= a; b++) h[a * p + b] += wgt * xa * (b < d ? x[i * d + b] : 1);
                }
            }
            for (int a = 0; a < p; a++) for (int b = 0; b < a; b++) h[b * p + a] = h[a * p + b];
            for (int j = 0; j < d; j++) { g[j] += options.L2 * theta[j]; h[j * p + j] += options.L2; }
            h[d * p + d] += 1e-9;
            var step = Solve(h, g, p);
            double change = 0;
            for (int a = 0; a < p; a++) { theta[a] -= step[a]; change = Math.Max(change, Math.Abs(step[a])); }
            if (change < options.Tolerance) break;
        }
        var w = new float[d];
        for (int j = 0; j < d; j++) w[j] = (float)theta[j];
        return new LinearModel(w, options.FitIntercept ? (float)theta[d] : 0f);
    }

    public void TopK(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, bool cosine, Span<int> indices, Span<float> values)
    {
        Require(queries.Length == q * d && matrix.Length == v * d && indices.Length == q * k && values.Length == q * k && k <= v, "TopK shapes");
        var scores = new double[v];
        for (int i = 0; i < q; i++)
        {
            double qn = 0;
            for (int j = 0; j < d; j++) qn += (double)queries[i * d + j] * queries[i * d + j];
            for (int r = 0; r < v; r++)
            {
                double s = 0, mn = 0;
                for (int j = 0; j < d; j++) { s += (double)queries[i * d + j] * matrix[r * d + j]; mn += (double)matrix[r * d + j] * matrix[r * d + j]; }
                scores[r] = cosine ? s / Math.Sqrt(Math.Max(qn * mn, 1e-30)) : s;
            }
            var order = Enumerable.Range(0, v).OrderByDescending(r => scores[r]).ThenBy(r => r).Take(k).ToArray();
            for (int c = 0; c < k; c++) { indices[i * k + c] = order[c]; values[i * k + c] = (float)scores[order[c]]; }
        }
    }

    public void Auroc(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc)
    {
        Require(scores.Length == n * c && labels.Length == n && auroc.Length == c, "Auroc shapes");
        for (int col = 0; col < c; col++)
        {
            var s = new double[n];
            for (int i = 0; i < n; i++) s[i] = scores[i * c + col];
            auroc[col] = Metrics.Auroc(s, labels.ToArray());
        }
    }

    private static void Require(bool ok, string what)
    {
        if (!ok) throw new ArgumentException($"ReferenceCompute: bad {what}.");
    }

    private static double[] Solve(double[] a, double[] b, int p)
    {
        var m = (double[])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < p; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < p; r++) if (Math.Abs(m[r * p + col]) > Math.Abs(m[pivot * p + col])) pivot = r;
            if (pivot != col)
            {
                for (int k = 0; k < p; k++) (m[col * p + k], m[pivot * p + k]) = (m[pivot * p + k], m[col * p + k]);
                (x[col], x[pivot]) = (x[pivot], x[col]);
            }
            double diag = m[col * p + col];
            for (int r = col + 1; r < p; r++)
            {
                double f = m[r * p + col] / diag;
                if (f == 0) continue;
                for (int k = col; k < p; k++) m[r * p + k] -= f * m[col * p + k];
                x[r] -= f * x[col];
            }
        }
        for (int r = p - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int k = r + 1; k < p; k++) s -= m[r * p + k] * x[k];
            x[r] = s / m[r * p + r];
        }
        return x;
    }
}

public static class Metrics
{
    /// <summary>Mann-Whitney AUROC with ties counted half; NaN when a class is missing.</summary>
    public static double Auroc(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        double pairs = 0, wins = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (labels[i] != 1) continue;
            for (int j = 0; j < scores.Count; j++)
            {
                if (labels[j] != 0) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
        }
        return pairs == 0 ? double.NaN : wins / pairs;
    }

    public static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int j = 0; j < a.Length; j++) { dot += a[j] * b[j]; na += a[j] * a[j]; nb += (double)b[j] * b[j]; }
        return dot / Math.Sqrt(na * nb);
    }
}
