using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Logistic;

/// <summary>L-BFGS for L2-regularised logistic regression, the same solver scikit-learn uses by default.
///
/// We minimise f(w, b) = (1/n) sum_i logloss(w.x_i + b, y_i) + (L2 / 2) ||w||^2 (the intercept is not
/// penalised). scikit-learn 1.2's LogisticRegression(C) minimises sum_i logloss + ||w||^2 / (2 C), which is
/// n times our objective when C = 1 / (n L2): both have the same minimiser. Stopping mirrors scipy's
/// L-BFGS-B as sklearn calls it: max |gradient| &lt;= Tolerance (here on the per-sample scale, i.e. sklearn's
/// tol / n), or a relative decrease of f below 2.2e-9 (scipy's default factr), or MaxIterations.
/// Each iteration costs one or a few loss+gradient evaluations, each one pass over x on the backend.</summary>
internal static class LbfgsSolver
{
    private const int History = 10;
    private const double RelativeDecreaseTolerance = 2.220446049250313e-09;

    public sealed record Result(LinearModel Model, int Iterations, int Evaluations, double Objective, double GradientMaxAbs, string StopReason);

    /// <param name="locateNonFiniteInput">Called when the first evaluation (at w = 0, b = 0, where finite data gives
    /// exactly log 2) is not finite: it should find the NaN/Inf in the data and throw naming it. Backends that pass
    /// it skip scanning x up front.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per fit: no point starting in tier-0 code
    public static Result Minimise(ILogisticLoss loss, LogisticOptions options, Action<string>? trace = null, Action? locateNonFiniteInput = null)
    {
        if (options.L2 < 0 || !double.IsFinite(options.L2))
            throw new ArgumentException($"LogisticOptions.L2 must be a finite non-negative number, got {options.L2}.");
        if (options.MaxIterations <= 0) throw new ArgumentException($"LogisticOptions.MaxIterations must be positive, got {options.MaxIterations}.");
        int d = loss.Dimension, p = d + 1; // parameter p-1 is the intercept
        var x = new double[p];
        var g = new double[p];
        var xNew = new double[p];
        var gNew = new double[p];
        var direction = new double[p];
        var s = new double[History][];
        var y = new double[History][];
        var rho = new double[History];
        var alpha = new double[History];
        for (int i = 0; i < History; i++) { s[i] = new double[p]; y[i] = new double[p]; }
        int stored = 0, head = 0, evaluations = 0;

        double f = Evaluate(loss, options, x, g, ref evaluations, locateNonFiniteInput);
        string reason = "max_iterations";
        int iter = 0;
        for (; iter < options.MaxIterations; iter++)
        {
            if (MaxAbs(g) <= options.Tolerance) { reason = "gradient_tolerance"; break; }

            // Two-loop recursion: direction = -H g.
            Array.Copy(g, direction, p);
            for (int m = 0; m < stored; m++)
            {
                int k = (head - 1 - m + History) % History;
                alpha[k] = rho[k] * Dot(s[k], direction);
                Axpy(-alpha[k], y[k], direction);
            }
            double gamma = 1;
            if (stored > 0)
            {
                int last = (head - 1 + History) % History;
                gamma = Dot(s[last], y[last]) / Dot(y[last], y[last]);
            }
            for (int i = 0; i < p; i++) direction[i] *= gamma;
            for (int m = stored - 1; m >= 0; m--)
            {
                int k = (head - 1 - m + History) % History;
                double beta = rho[k] * Dot(y[k], direction);
                Axpy(alpha[k] - beta, s[k], direction);
            }
            for (int i = 0; i < p; i++) direction[i] = -direction[i];
            double slope = Dot(g, direction);
            if (slope >= 0)
            {   // not a descent direction (numerical trouble): restart from steepest descent
                stored = 0;
                for (int i = 0; i < p; i++) direction[i] = -g[i];
                slope = Dot(g, direction);
            }

            // Backtracking line search with the Armijo condition; first step scaled to unit length. A rejected
            // step is replaced by the minimiser of the quadratic through f(0), f'(0) and f(step) (kept within
            // [0.1, 0.5] x step), which usually lands an acceptable step in one extra evaluation where halving
            // takes several; every evaluation is a full pass over x.
            double step = stored == 0 && iter == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(Dot(g, g))) : 1.0;
            double fNew = double.NaN;
            bool accepted = false;
            for (int tries = 0; tries < 40; tries++)
            {
                for (int i = 0; i < p; i++) xNew[i] = x[i] + step * direction[i];
                fNew = Evaluate(loss, options, xNew, gNew, ref evaluations);
                if (fNew <= f + 1e-4 * step * slope) { accepted = true; break; }
                // At the optimum float32 rounding makes f flat to ~1e-10 relative: a full step that changes f
                // by less than that cannot be improved by backtracking, so stop instead of burning passes.
                if (tries == 0 && Math.Abs(fNew - f) <= 1e-10 * Math.Max(Math.Abs(f), 1)) break;
                double quadratic = -slope * step * step / (2 * (fNew - f - slope * step));
                step = double.IsFinite(quadratic) ? Math.Clamp(quadratic, 0.1 * step, 0.5 * step) : 0.5 * step;
            }
            if (!accepted) { reason = "no_decrease_at_float32_precision"; break; }

            var sk = s[head]; var yk = y[head];
            for (int i = 0; i < p; i++) { sk[i] = xNew[i] - x[i]; yk[i] = gNew[i] - g[i]; }
            double sy = Dot(sk, yk);
            if (sy > 1e-12 * Math.Sqrt(Dot(sk, sk) * Dot(yk, yk)))
            {
                rho[head] = 1 / sy;
                head = (head + 1) % History;
                stored = Math.Min(stored + 1, History);
            }
            double fOld = f;
            Array.Copy(xNew, x, p); Array.Copy(gNew, g, p); f = fNew;
            trace?.Invoke($"iter {iter + 1}: f={f:G10} |g|inf={MaxAbs(g):G4} step={step:G3}");
            if ((fOld - f) / Math.Max(Math.Max(Math.Abs(fOld), Math.Abs(f)), 1) <= RelativeDecreaseTolerance)
            {
                iter++; reason = "relative_decrease"; break;
            }
        }
        var weights = new float[d];
        for (int i = 0; i < d; i++) weights[i] = (float)x[i];
        return new Result(new LinearModel(weights, (float)x[d]), iter, evaluations, f, MaxAbs(g), reason);
    }

    private static double Evaluate(ILogisticLoss loss, LogisticOptions options, double[] x, double[] g, ref int evaluations, Action? locateNonFiniteInput = null)
    {
        evaluations++;
        int d = loss.Dimension;
        double b = options.FitIntercept ? x[d] : 0;
        double f = loss.Evaluate(x.AsSpan(0, d), b, g.AsSpan(0, d), out double gb);
        double norm2 = 0;
        for (int i = 0; i < d; i++) { norm2 += x[i] * x[i]; g[i] += options.L2 * x[i]; }
        g[d] = options.FitIntercept ? gb : 0;
        f += 0.5 * options.L2 * norm2;
        if (locateNonFiniteInput is not null && !(double.IsFinite(f) && double.IsFinite(MaxAbs(g))))
        {
            locateNonFiniteInput(); // throws naming the element when x has NaN/Inf
            throw new MethodInputException("Logistic regression: the loss at w = 0 is not finite although x is finite; the activations are too large for float32 sums (scale them).");
        }
        if (!double.IsFinite(f))
            throw new MethodInputException("Logistic regression diverged to a non-finite loss; the activations are probably too large (scale them) or L2 is 0 on separable data.");
        return f;
    }

    private static double Dot(double[] a, double[] b) => TensorPrimitives.Dot<double>(a, b);

    private static void Axpy(double a, double[] x, double[] y) => TensorPrimitives.MultiplyAdd<double>(x, a, y, y);

    /// <summary>Largest |a_i|; NaN if any element is NaN.</summary>
    private static double MaxAbs(double[] a) => Math.Abs(TensorPrimitives.MaxMagnitude<double>(a));
}
