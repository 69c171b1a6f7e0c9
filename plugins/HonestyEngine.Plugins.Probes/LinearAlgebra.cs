using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>The small dense linear algebra the probes need beyond <see cref="IActivationCompute"/>:
/// d x d solves, shrinkage, the leading eigenvector. Double precision; d is a hidden size (hundreds to a few
/// thousand), so O(d^3) once per fit is fine.</summary>
internal static class LinearAlgebra
{
    /// <summary>Covariance [d, d] as doubles from the compute backend (divided by n - 1), and the column mean.</summary>
    public static (double[] Mean, double[] Covariance) MeanCovariance(IActivationCompute compute, Tensor x)
    {
        int n = x.Rows, d = x.RowLength;
        if (n < 2) throw new MethodInputException($"A covariance needs at least 2 samples, got {n}.");
        var mean = new float[d];
        var cov = new float[d * d];
        compute.MeanCovariance(x.Data, n, d, mean, cov);
        return (Array.ConvertAll(mean, v => (double)v), Array.ConvertAll(cov, v => (double)v));
    }

    /// <summary>Ledoit-Wolf shrinkage towards mu I of the covariance of already-centred rows
    /// (the estimator of sklearn.covariance.ledoit_wolf). Returns the shrunk covariance (divided by n) and the intensity.</summary>
    public static (double[] Covariance, double Shrinkage) LedoitWolf(IActivationCompute compute, Tensor centred)
    {
        int n = centred.Rows, d = centred.RowLength;
        if (n < 2) throw new MethodInputException($"Ledoit-Wolf covariance needs at least 2 samples, got {n}.");
        var gram = new float[d * d];
        compute.Gram(centred.Data, n, d, gram);
        var squared = new float[centred.Length];
        for (int i = 0; i < squared.Length; i++) squared[i] = centred.Data[i] * centred.Data[i];
        var gram2 = new float[d * d];
        compute.Gram(squared, n, d, gram2);

        var emp = new double[d * d];
        for (int i = 0; i < emp.Length; i++) emp[i] = gram[i] / (double)n;
        double trace = 0;
        for (int j = 0; j < d; j++) trace += emp[j * d + j];
        double mu = trace / d;
        double beta_ = 0, delta_ = 0;
        for (int i = 0; i < gram2.Length; i++) { beta_ += gram2[i]; delta_ += (double)gram[i] * gram[i]; }
        delta_ /= (double)n * n;
        double beta = (beta_ / n - delta_) / ((double)d * n);
        double delta = (delta_ - 2 * mu * trace + d * mu * mu) / d;
        beta = Math.Min(beta, delta);
        double s = beta <= 0 || delta <= 0 ? 0 : beta / delta;
        for (int i = 0; i < d * d; i++) emp[i] *= 1 - s;
        for (int j = 0; j < d; j++) emp[j * d + j] += s * mu;
        return (emp, s);
    }

    /// <summary>Adds ridge * (trace / d) to the diagonal so an ill-conditioned covariance stays invertible.</summary>
    public static void AddRelativeRidge(double[] a, int d, double ridge)
    {
        double trace = 0;
        for (int j = 0; j < d; j++) trace += a[j * d + j];
        double add = ridge * Math.Max(trace / d, 1e-12);
        for (int j = 0; j < d; j++) a[j * d + j] += add;
    }

    /// <summary>Lower Cholesky factor (see plugins/Shared/DenseCholesky.cs); <paramref name="what"/> names the matrix.</summary>
    public static double[] Cholesky(double[] a, int d, string what) => DenseCholesky.Factor(a, d, $"The {what}");

    /// <summary>Solves (L L^T) x = b for x.</summary>
    public static double[] CholeskySolve(double[] l, int d, ReadOnlySpan<double> b) => DenseCholesky.Solve(l, d, b);

    /// <summary>Leading eigenvector of a symmetric PSD [d, d] matrix by power iteration from a seeded start.</summary>
    public static double[] TopEigenvector(double[] a, int d, int seed, int iterations = 500)
    {
        var rng = new Random(seed);
        var v = new double[d];
        for (int j = 0; j < d; j++) v[j] = rng.NextDouble() - 0.5;
        Normalize(v);
        var next = new double[d];
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < d; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += a[i * d + j] * v[j];
                next[i] = s;
            }
            if (Normalize(next) == 0) throw new MethodInputException("The matrix whose leading eigenvector was asked for is zero: the paired differences carry no signal.");
            double change = 0;
            for (int j = 0; j < d; j++) change = Math.Max(change, Math.Abs(Math.Abs(next[j]) - Math.Abs(v[j])));
            (v, next) = (next, v);
            if (change < 1e-10) break;
        }
        return v;
    }

    public static double Normalize(Span<double> v)
    {
        double norm = 0;
        foreach (var x in v) norm += x * x;
        norm = Math.Sqrt(norm);
        if (norm > 0) for (int j = 0; j < v.Length; j++) v[j] /= norm;
        return norm;
    }

    /// <summary>Mean of the rows of <paramref name="x"/> whose label is <paramref name="label"/>.</summary>
    public static double[] ClassMean(Tensor x, ReadOnlySpan<float> labels, int label)
    {
        int d = x.RowLength, count = 0;
        var mean = new double[d];
        for (int i = 0; i < x.Rows; i++)
        {
            if ((labels[i] > 0.5f ? 1 : 0) != label) continue;
            count++;
            var row = x.ReadRow(i);
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= Math.Max(1, count);
        return mean;
    }

    /// <summary>Rows minus their class mean (the within-class scatter used by LDA and the iid mass-mean probe).</summary>
    public static Tensor CentreByClass(Tensor x, ReadOnlySpan<float> labels, double[] mean0, double[] mean1)
    {
        var c = new Tensor([x.Rows, x.RowLength]);
        for (int i = 0; i < x.Rows; i++)
        {
            var m = labels[i] > 0.5f ? mean1 : mean0;
            var src = x.ReadRow(i);
            var dst = c.Row(i);
            for (int j = 0; j < src.Length; j++) dst[j] = (float)(src[j] - m[j]);
        }
        return c;
    }

    public static Tensor SelectRows(Tensor x, ReadOnlySpan<int> rows)
    {
        var y = new Tensor([rows.Length, x.RowLength]);
        for (int i = 0; i < rows.Length; i++) x.ReadRow(rows[i]).CopyTo(y.Row(i));
        return y;
    }

    public static float[] ToFloat(ReadOnlySpan<double> v)
    {
        var f = new float[v.Length];
        for (int i = 0; i < v.Length; i++) f[i] = (float)v[i];
        return f;
    }
}
