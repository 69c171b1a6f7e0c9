using HonestyEngine.Abstractions;

// Source shared by the plugins that solve d x d systems (Probes: LDA, covariance-corrected mass-mean, Mahalanobis;
// WhiteBoxElicitation: the activation oracle's ridge reader). Plugins reference only the contract, never each other,
// so each compiles this file into its own assembly, in its own namespace (see TopKSae.cs).
#if WHITEBOX_ELICITATION
namespace HonestyEngine.Plugins.WhiteBoxElicitation;
#else
namespace HonestyEngine.Plugins.Probes;
#endif

/// <summary>Cholesky factorisation and solves of a symmetric positive-definite [d, d] matrix in double precision;
/// d is a hidden size (hundreds to a few thousand), so O(d^3) once per fit is fine.</summary>
internal static class DenseCholesky
{
    /// <summary>Lower factor L (a copy; <paramref name="a"/> is untouched) with A = L L^T. A matrix that is not
    /// positive definite gets "{subject} is not positive definite (pivot i = v); the activations are degenerate."</summary>
    public static double[] Factor(double[] a, int d, string subject)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * d + j];
                for (int k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k];
                if (i == j)
                {
                    if (!(sum > 0) || !double.IsFinite(sum))
                        throw new MethodInputException($"{subject} is not positive definite (pivot {i} = {sum:g3}); the activations are degenerate.");
                    l[i * d + i] = Math.Sqrt(sum);
                }
                else l[i * d + j] = sum / l[j * d + j];
            }
        }
        return l;
    }

    /// <summary>Solves (L L^T) x = b for x.</summary>
    public static double[] Solve(double[] l, int d, ReadOnlySpan<double> b)
    {
        var y = new double[d];
        for (int i = 0; i < d; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i * d + k] * y[k];
            y[i] = sum / l[i * d + i];
        }
        var x = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k];
            x[i] = sum / l[i * d + i];
        }
        return x;
    }
}
