using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

/// <summary>Multi-output ridge regression with intercept, in closed form: W = (Xc^T Xc + lambda I)^-1 Xc^T Yc on centred
/// rows, lambda = Ridge * trace(Xc^T Xc) / d (relative, so it does not depend on the activation scale). The products run
/// on <see cref="IActivationCompute"/>; the d x d Cholesky solve is double precision (d is a hidden size).</summary>
internal sealed class RidgeRegression
{
    public int InputDim { get; }
    public int OutputDim { get; }
    public float[] XMean { get; }
    public float[] YMean { get; }
    /// <summary>W^T [outputs, inputs] (one row per output: the layout ProjectScores wants).</summary>
    public float[] WeightsT { get; }

    private RidgeRegression(int inputDim, int outputDim, float[] xMean, float[] yMean, float[] weightsT)
    {
        InputDim = inputDim; OutputDim = outputDim; XMean = xMean; YMean = yMean; WeightsT = weightsT;
    }

    public static RidgeRegression Fit(IActivationCompute compute, Tensor x, Tensor y, double ridge, string method)
    {
        int n = x.Rows, d = x.RowLength, e = y.RowLength;
        if (n < 2 || y.Rows != n) throw new MethodInputException($"{method}: ridge regression needs >= 2 paired rows (inputs {x}, targets {y}).");
        var xMean = GenericText.ColumnMean(x);
        var yMean = GenericText.ColumnMean(y);
        var xcT = new float[d * n];
        var ycT = new float[e * n];
        var xc = new float[n * d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) { float v = x.Data[i * d + j] - xMean[j]; xc[i * d + j] = v; xcT[j * n + i] = v; }
            for (int j = 0; j < e; j++) ycT[j * n + i] = y.Data[i * e + j] - yMean[j];
        }
        var gram = new float[d * d];
        compute.Gram(xc, n, d, gram);
        var cross = new float[d * e]; // cross[i, j] = sum_n xc[n, i] yc[n, j]
        compute.ProjectScores(xcT, d, n, ycT, e, new float[e], cross);

        var a = Array.ConvertAll(gram, v => (double)v);
        double trace = 0;
        for (int j = 0; j < d; j++) trace += a[j * d + j];
        double lambda = ridge * Math.Max(trace / d, 1e-12);
        for (int j = 0; j < d; j++) a[j * d + j] += lambda;
        var l = DenseCholesky.Factor(a, d, $"{method}: the activation Gram matrix");

        var weightsT = new float[e * d];
        var column = new double[d];
        for (int j = 0; j < e; j++)
        {
            for (int i = 0; i < d; i++) column[i] = cross[i * e + j];
            var solution = DenseCholesky.Solve(l, d, column);
            for (int i = 0; i < d; i++)
            {
                if (!double.IsFinite(solution[i])) throw new MethodInputException($"{method}: the ridge solution is not finite; the activations are degenerate.");
                weightsT[j * d + i] = (float)solution[i];
            }
        }
        return new RidgeRegression(d, e, xMean, yMean, weightsT);
    }

    /// <summary>Centred predictions (x - mean_x) W [rows, outputs]: what an input says beyond the training average.</summary>
    public Tensor PredictCentred(IActivationCompute compute, Tensor x)
    {
        int n = x.Rows, d = InputDim;
        var xc = new float[n * d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) xc[i * d + j] = x.Data[i * d + j] - XMean[j];
        var result = new Tensor([n, OutputDim]);
        compute.ProjectScores(xc, n, d, WeightsT, OutputDim, new float[OutputDim], result.Data);
        return result;
    }
}
