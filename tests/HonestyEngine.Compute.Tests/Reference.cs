namespace HonestyEngine.Compute.Tests;

/// <summary>Straightforward double-precision implementations the kernels are compared with.</summary>
internal static class Reference
{
    public static double[] Project(float[] x, int n, int d, float[] w, int k, float[]? bias)
    {
        var s = new double[n * k];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < k; p++)
            {
                double acc = bias?[p] ?? 0;
                for (int j = 0; j < d; j++) acc += (double)x[i * d + j] * w[p * d + j];
                s[i * k + p] = acc;
            }
        return s;
    }

    public static (double[] Mean, double[] Cov) MeanCov(float[] x, int n, int d)
    {
        var m = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m[j] += x[i * d + j];
        for (int j = 0; j < d; j++) m[j] /= n;
        var c = new double[d * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    c[a * d + b] += (x[i * d + a] - m[a]) * (x[i * d + b] - m[b]);
        for (int t = 0; t < c.Length; t++) c[t] /= n - 1;
        return (m, c);
    }

    public static double[] Gram(float[] x, int n, int d)
    {
        var g = new double[d * d];
        for (int i = 0; i < n; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++)
                    g[a * d + b] += (double)x[i * d + a] * x[i * d + b];
        return g;
    }

    /// <summary>All similarities, sorted best first (ties: lower index first).</summary>
    public static (int Index, double Value)[] Ranked(float[] queries, int qi, int d, float[] m, int v, bool cosine)
    {
        var list = new (int, double)[v];
        double qn = 0;
        for (int j = 0; j < d; j++) qn += (double)queries[qi * d + j] * queries[qi * d + j];
        for (int r = 0; r < v; r++)
        {
            double dot = 0, mn = 0;
            for (int j = 0; j < d; j++) { dot += (double)queries[qi * d + j] * m[r * d + j]; mn += (double)m[r * d + j] * m[r * d + j]; }
            list[r] = (r, cosine ? dot / Math.Sqrt(qn * mn) : dot);
        }
        return list.OrderByDescending(t => t.Item2).ThenBy(t => t.Item1).ToArray();
    }

    /// <summary>AUROC as the probability that a random positive outscores a random negative (ties count half).</summary>
    public static double Auroc(float[] s, int n, int c, int col, int[] labels)
    {
        double wins = 0; long pairs = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[i] != 1) continue;
            for (int j = 0; j < n; j++)
            {
                if (labels[j] != 0) continue;
                pairs++;
                float a = s[i * c + col], b = s[j * c + col];
                wins += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        return pairs == 0 ? double.NaN : wins / pairs;
    }

    /// <summary>Newton's method in double on (1/n) sum logloss + (l2/2)||w||^2 (intercept unpenalised).</summary>
    public static (double[] W, double B) Logistic(float[] x, int n, int d, float[] y, double l2)
    {
        int p = d + 1;
        var theta = new double[p];
        for (int iter = 0; iter < 50; iter++)
        {
            var g = new double[p];
            var h = new double[p * p];
            for (int i = 0; i < n; i++)
            {
                double z = theta[d];
                for (int j = 0; j < d; j++) z += theta[j] * x[i * d + j];
                double s = 1 / (1 + Math.Exp(-z)), r = s - y[i], wgt = s * (1 - s);
                for (int a = 0; a < p; a++)
                {
                    double xa = a < d ? x[i * d + a] : 1;
                    g[a] += r * xa / n;
                    for (int b = 0; b < p; b++) h[a * p + b] += wgt * xa * (b < d ? x[i * d + b] : 1) / n;
                }
            }
            for (int j = 0; j < d; j++) { g[j] += l2 * theta[j]; h[j * p + j] += l2; }
            var step = Solve(h, g, p);
            for (int a = 0; a < p; a++) theta[a] -= step[a];
            if (step.Max(Math.Abs) < 1e-12) break;
        }
        return (theta[..d], theta[d]);
    }

    private static double[] Solve(double[] a, double[] b, int p)
    {
        var m = (double[])a.Clone(); var x = (double[])b.Clone();
        for (int c = 0; c < p; c++)
        {
            int piv = c;
            for (int r = c + 1; r < p; r++) if (Math.Abs(m[r * p + c]) > Math.Abs(m[piv * p + c])) piv = r;
            if (piv != c)
            {
                for (int t = 0; t < p; t++) (m[c * p + t], m[piv * p + t]) = (m[piv * p + t], m[c * p + t]);
                (x[c], x[piv]) = (x[piv], x[c]);
            }
            for (int r = c + 1; r < p; r++)
            {
                double f = m[r * p + c] / m[c * p + c];
                for (int t = c; t < p; t++) m[r * p + t] -= f * m[c * p + t];
                x[r] -= f * x[c];
            }
        }
        for (int c = p - 1; c >= 0; c--)
        {
            double s = x[c];
            for (int t = c + 1; t < p; t++) s -= m[c * p + t] * x[t];
            x[c] = s / m[c * p + c];
        }
        return x;
    }
}
