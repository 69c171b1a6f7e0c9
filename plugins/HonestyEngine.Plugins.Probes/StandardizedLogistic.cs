using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>z-scored features + L2 logistic regression, the probe of Apollo's deception-detection repo.
/// Apollo fits sklearn LogisticRegression(C = 1 / reg_coeff) with reg_coeff = 10 on summed loss; the contract's
/// objective is the mean loss + L2/2 |w|^2, which has the same minimiser when L2 = reg_coeff / n.</summary>
internal sealed class StandardizedLogistic
{
    public const double ApolloRegCoeff = 10.0;

    private readonly Standardizer _scaler;
    private readonly LinearModel _model;

    private StandardizedLogistic(Standardizer scaler, LinearModel model) { _scaler = scaler; _model = model; }

    public float[] Weights => _model.Weights;

    public static StandardizedLogistic Fit(IActivationCompute compute, Tensor x, float[] labels, double regCoeff = ApolloRegCoeff)
    {
        ProbeInputs.RequireBothClasses(labels, "the probe's training set");
        var scaler = Standardizer.Fit(x);
        var z = scaler.Transform(x);
        var model = compute.FitLogistic(z.Data, z.Rows, z.RowLength, labels, new LogisticOptions(L2: regCoeff / x.Rows, MaxIterations: 200));
        foreach (var w in model.Weights)
            if (!float.IsFinite(w)) throw new MethodInputException("Logistic regression returned non-finite weights.");
        return new StandardizedLogistic(scaler, model);
    }

    /// <summary>Logits w.z + b (monotone in P(deceptive); AUROC and thresholds are unaffected by the sigmoid).</summary>
    public double[] Score(IActivationCompute compute, Tensor x, string method)
        => ProbeInputs.Project(compute, _scaler.Transform(x), _model.Weights, _model.Bias, method);
}
