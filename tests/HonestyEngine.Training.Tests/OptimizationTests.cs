using HonestyEngine.Training.Model;
using HonestyEngine.Training.Optimization;

namespace HonestyEngine.Training.Tests;

public class OptimizationTests
{
    [Fact]
    public void AdamW_matches_the_torch_update_rule()
    {
        var w = new ParameterTensor("w", [1, 2], [1f, -2f]);
        var n = new ParameterTensor("n", [1], [3f]);
        w.SetTrainable(true); n.SetTrainable(true);
        var opt = new AdamW([w, n]) { WeightDecay = 0.1f };
        double[] mw = [0, 0], vw = [0, 0]; double[] ww = [1, -2];
        double mn = 0, vn = 0, wn = 3;
        float[][] grads = [[0.5f, -1f], [0.2f, 0.3f], [-0.4f, 0.1f]];
        float[] ng = [0.7f, -0.2f, 0.05f];
        for (int t = 1; t <= 3; t++)
        {
            grads[t - 1].CopyTo(w.Grad!, 0); n.Grad![0] = ng[t - 1];
            double lr = 0.01 * t;
            opt.Step((float)lr);
            for (int i = 0; i < 2; i++)
            {
                ww[i] *= 1 - lr * 0.1;
                mw[i] = 0.9 * mw[i] + 0.1 * grads[t - 1][i];
                vw[i] = 0.999 * vw[i] + 0.001 * grads[t - 1][i] * grads[t - 1][i];
                ww[i] -= lr * (mw[i] / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(vw[i] / (1 - Math.Pow(0.999, t))) + 1e-8);
            }
            mn = 0.9 * mn + 0.1 * ng[t - 1]; vn = 0.999 * vn + 0.001 * ng[t - 1] * ng[t - 1];
            wn -= lr * (mn / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(vn / (1 - Math.Pow(0.999, t))) + 1e-8);   // no decay on vectors
        }
        Assert.Equal(ww[0], w.Value[0], 1e-6);
        Assert.Equal(ww[1], w.Value[1], 1e-6);
        Assert.Equal(wn, n.Value[0], 1e-6);
    }

    [Fact]
    public void Clipping_scales_to_the_global_norm()
    {
        var a = new ParameterTensor("a", [2], [0f, 0f]); var b = new ParameterTensor("b", [1], [0f]);
        a.SetTrainable(true); b.SetTrainable(true);
        a.Grad![0] = 3; a.Grad[1] = 0; b.Grad![0] = 4;   // norm 5
        double norm = GradientClipping.Clip([a, b], 1.0);
        Assert.Equal(5.0, norm, 9);
        Assert.Equal(1.0, Math.Sqrt(a.Grad[0] * a.Grad[0] + b.Grad[0] * b.Grad[0]), 5);
        Assert.Equal(0.6f, a.Grad[0], 5);
        b.Grad[0] = float.NaN;
        Assert.Throws<NonFiniteValueException>(() => GradientClipping.Clip([a, b], 1.0));
    }

    [Fact]
    public void Warmup_then_cosine()
    {
        Assert.Equal(0.25f, LearningRateSchedule.WarmupCosine(0, 100, 4, 1f), 6);
        Assert.Equal(1f, LearningRateSchedule.WarmupCosine(3, 100, 4, 1f), 6);
        Assert.Equal(1f, LearningRateSchedule.WarmupCosine(4, 100, 4, 1f), 6);
        Assert.Equal(0.55f, LearningRateSchedule.WarmupCosine(52, 100, 4, 1f, 0.1f), 5);   // halfway: 0.1 + 0.9 * 0.5
        Assert.True(LearningRateSchedule.WarmupCosine(99, 100, 4, 1f, 0.1f) < 0.11f);
    }
}
