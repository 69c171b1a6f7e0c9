using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Tests;

/// <summary>Finite-difference checks of analytic gradients in fp32, robust to rounding: central
/// differences along (1) the analytic gradient's own direction, (2) a random +-1 direction, and
/// (3) single coordinates with the largest gradients, each compared by relative error.</summary>
internal static class GradientCheck
{
    /// <param name="parameter">the values the loss depends on (perturbed in place, restored after)</param>
    /// <param name="analytic">the claimed gradient of loss() with respect to parameter</param>
    /// <param name="loss">recomputes the scalar loss from the current parameter values</param>
    public static void Check(string what, float[] parameter, float[] analytic, Func<double> loss,
        double step = 1e-2, double tolerance = 3e-3, int coordinates = 4, int seed = 1)
    {
        Assert.Equal(parameter.Length, analytic.Length);
        double gnorm = Math.Sqrt(analytic.Sum(g => (double)g * g));
        Assert.True(gnorm > 1e-6, $"{what}: analytic gradient is zero; the check would be vacuous.");
        Assert.True(analytic.All(float.IsFinite), $"{what}: analytic gradient has non-finite entries.");

        // (1) along the gradient: the directional derivative equals |g|.
        var dir = analytic.Select(g => (float)(g / gnorm)).ToArray();
        Compare(what + " (gradient direction)", parameter, dir, analytic, loss, step, tolerance);

        // (2) a random sign direction, normalised.
        var rng = new SeededRandom(seed);
        var rnd = new float[parameter.Length];
        for (int i = 0; i < rnd.Length; i++) rnd[i] = (float)((rng.NextDouble() < 0.5 ? -1 : 1) / Math.Sqrt(rnd.Length));
        Compare(what + " (random direction)", parameter, rnd, analytic, loss, step, Math.Max(tolerance, 3e-3 * gnorm / Math.Max(1e-12, Math.Abs(Dot(rnd, analytic)))) );

        // (3) the largest coordinates.
        foreach (int i in Enumerable.Range(0, parameter.Length).OrderByDescending(i => Math.Abs(analytic[i])).Take(coordinates))
        {
            var e = new float[parameter.Length];
            e[i] = 1f;
            Compare($"{what}[{i}]", parameter, e, analytic, loss, step, Math.Max(tolerance, 1e-2));
        }
    }

    private static double Dot(float[] a, float[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i]; return s; }

    private static void Compare(string what, float[] parameter, float[] direction, float[] analytic, Func<double> loss, double h, double tolerance)
    {
        var saved = (float[])parameter.Clone();
        for (int i = 0; i < parameter.Length; i++) parameter[i] = (float)(saved[i] + h * direction[i]);
        double plus = loss();
        for (int i = 0; i < parameter.Length; i++) parameter[i] = (float)(saved[i] - h * direction[i]);
        double minus = loss();
        Array.Copy(saved, parameter, parameter.Length);
        double numeric = (plus - minus) / (2 * h);
        double exact = Dot(direction, analytic);
        double rel = Math.Abs(numeric - exact) / Math.Max(Math.Max(Math.Abs(numeric), Math.Abs(exact)), 1e-4);
        Assert.True(rel < tolerance, $"{what}: finite difference {numeric:G6} vs analytic {exact:G6} (relative error {rel:G3} >= {tolerance:G3}).");
    }

    public static float[] RandomArray(int n, int seed, double scale = 1.0)
    {
        var rng = new SeededRandom(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextNormal() * scale);
        return a;
    }

    /// <summary>sum(y * r) in double: the scalar a block's output is reduced to for its check.</summary>
    public static double Project(float[] y, float[] r, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double)y[i] * r[i];
        return s;
    }
}
