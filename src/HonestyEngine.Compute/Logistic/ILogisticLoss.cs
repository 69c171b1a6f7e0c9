namespace HonestyEngine.Compute.Logistic;

/// <summary>The data term of logistic regression, evaluated by a backend kernel:
/// L(w, b) = (1/n) sum_i [log(1 + exp(z_i)) - y_i z_i] with z_i = w.x_i + b, and its gradient.
/// The L2 term and the optimiser live on the host (<see cref="LbfgsSolver"/>): they touch only d numbers.</summary>
internal interface ILogisticLoss
{
    int Dimension { get; }
    /// <summary>Returns L(w, b) and writes dL/dw into <paramref name="gradW"/> and dL/db into <paramref name="gradB"/>.</summary>
    double Evaluate(ReadOnlySpan<double> w, double b, Span<double> gradW, out double gradB);
}

internal static class LogisticMath
{
    /// <summary>log(1 + exp(z)) - y z without overflow.</summary>
    public static double Loss(double z, double y) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - y * z;

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
