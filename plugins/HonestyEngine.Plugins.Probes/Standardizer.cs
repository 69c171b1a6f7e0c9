using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

/// <summary>Per-feature z-scoring fitted on training activations (sklearn's StandardScaler, as Apollo
/// normalises activations before its logistic regression). Constant features keep scale 1.</summary>
internal sealed class Standardizer
{
    public float[] Mean { get; }
    public float[] Scale { get; }

    private Standardizer(float[] mean, float[] scale) { Mean = mean; Scale = scale; }

    public static Standardizer Fit(Tensor x)
    {
        int n = x.Rows, d = x.RowLength;
        var mean = new double[d];
        var sq = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = x.ReadRow(i);
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= Math.Max(1, n);
        for (int i = 0; i < n; i++)
        {
            var row = x.ReadRow(i);
            for (int j = 0; j < d; j++) { double c = row[j] - mean[j]; sq[j] += c * c; }
        }
        var m = new float[d];
        var s = new float[d];
        for (int j = 0; j < d; j++)
        {
            m[j] = (float)mean[j];
            double sd = Math.Sqrt(sq[j] / Math.Max(1, n));
            s[j] = sd > 1e-8 ? (float)sd : 1f;
        }
        return new Standardizer(m, s);
    }

    public Tensor Transform(Tensor x)
    {
        if (x.RowLength != Mean.Length)
            throw new MethodInputException($"Activations have width {x.RowLength} but the probe was fitted on width {Mean.Length}.");
        var y = new Tensor([x.Rows, x.RowLength]);
        for (int i = 0; i < x.Rows; i++)
        {
            var src = x.ReadRow(i);
            var dst = y.Row(i);
            for (int j = 0; j < src.Length; j++) dst[j] = (src[j] - Mean[j]) / Scale[j];
        }
        return y;
    }
}
