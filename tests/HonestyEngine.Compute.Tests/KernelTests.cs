using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Tests;

/// <summary>The kernel suite, written once and run on every backend against the double-precision reference.</summary>
public class KernelTests
{
    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void ProjectScores_matches_reference_for_odd_shapes(string backend)
    {
        var compute = Backends.Create(backend);
        foreach (var (n, d, k, withBias) in new[] { (1, 1, 1, false), (7, 33, 3, true), (130, 100, 5, false), (257, 1024, 2, true), (5, 16, 40, true),
            // The 4x6 and 4x4 register tiles with a d that is not a multiple of 16 (tile tails):
            (9, 37, 14, true), (13, 1029, 8, false),
            // The 3x8 tile on panels of 8 probes (k >= 2, d a multiple of 16): a last panel of fewer probes, two
            // panels, rows left over after triples, row triples across the tile's multi-row tasks, and rows longer than
            // one column block (partial sums added block by block; 2048 with one panel, 1024 with three):
            (130, 1024, 11, false), (70, 64, 8, true), (4, 32, 17, true), (1543, 48, 16, true), (2309, 16, 9, false),
            (40, 2048, 8, true), (20, 1024, 25, true),
            // A single panel of fewer than eight probes (zero-padded; only its probes' lanes loaded and stored), across blocks:
            (31, 2048, 5, true), (8, 512, 7, false) })
        {
            var x = Data.Gaussian(n * d, n + d);
            var w = Data.Gaussian(k * d, k + 7);
            float[]? bias = withBias ? Data.Gaussian(k, 3) : null;
            var scores = new float[n * k];
            compute.ProjectScores(x, n, d, w, k, bias, scores);
            var expected = Reference.Project(x, n, d, w, k, bias);
            for (int i = 0; i < scores.Length; i++)
                Data.AssertClose(expected[i], scores[i], 1e-4, 1e-4 * Math.Sqrt(d), $"{backend} [{n}x{d}]x[{k}] score {i}");
        }
    }

    /// <summary>bfloat16 rows (ILGPU backend only: the contract scores float32) against the reference on the widened values,
    /// with the float32 test's shapes and tolerances.</summary>
    [SkippableTheory]
    [MemberData(nameof(Backends.Ilgpu), MemberType = typeof(Backends))]
    public void ProjectScores_on_bfloat16_rows_matches_reference_on_the_widened_values(string backend)
    {
        var compute = Backends.CreateIlgpu(backend);
        foreach (var (n, d, k, withBias) in new[] { (1, 1, 1, false), (7, 33, 3, true), (130, 100, 5, false), (257, 1024, 2, true), (5, 16, 40, true),
            (9, 37, 14, true), (13, 1029, 8, false), (70, 64, 8, true), (4, 32, 17, true), (31, 2048, 5, true) })
        {
            var wide = Data.Gaussian(n * d, n + d);
            var x = new BFloat16[wide.Length];
            BFloat16.FromSingle(wide, x);
            BFloat16.ToSingle(x, wide);
            var w = Data.Gaussian(k * d, k + 7);
            float[]? bias = withBias ? Data.Gaussian(k, 3) : null;
            var scores = new float[n * k];
            compute.ProjectScores(x, n, d, w, k, bias, scores);
            var expected = Reference.Project(wide, n, d, w, k, bias);
            for (int i = 0; i < scores.Length; i++)
                Data.AssertClose(expected[i], scores[i], 1e-4, 1e-4 * Math.Sqrt(d), $"{backend} bf16 [{n}x{d}]x[{k}] score {i}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void ProjectScores_with_no_rows_is_a_no_op(string backend)
    {
        var compute = Backends.Create(backend);
        compute.ProjectScores([], 0, 8, new float[8], 1, [], []);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void MeanCovariance_matches_reference_with_large_offsets(string backend)
    {
        var compute = Backends.Create(backend);
        foreach (var (n, d) in new[] { (2, 1), (50, 37), (300, 64), (129, 70) })
        {
            // A large common offset is what breaks naive E[xx] - E[x]E[x] in float32; centring must be exact.
            var x = Data.Gaussian(n * d, n * 31 + d, scale: 2f, offset: 100f);
            var mean = new float[d];
            var cov = new float[d * d];
            compute.MeanCovariance(x, n, d, mean, cov);
            var (em, ec) = Reference.MeanCov(x, n, d);
            for (int j = 0; j < d; j++) Data.AssertClose(em[j], mean[j], 1e-5, 1e-4, $"{backend} mean[{j}]");
            for (int t = 0; t < cov.Length; t++) Data.AssertClose(ec[t], cov[t], 2e-3, 2e-3, $"{backend} [{n}x{d}] cov[{t / d},{t % d}]");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Gram_matches_reference(string backend)
    {
        var compute = Backends.Create(backend);
        foreach (var (n, d) in new[] { (1, 1), (3, 5), (200, 36), (513, 96) })
        {
            var x = Data.Gaussian(n * d, n + 13 * d);
            var g = new float[d * d];
            compute.Gram(x, n, d, g);
            var e = Reference.Gram(x, n, d);
            for (int t = 0; t < g.Length; t++) Data.AssertClose(e[t], g[t], 1e-4, 1e-3 * Math.Sqrt(n), $"{backend} [{n}x{d}] gram[{t / d},{t % d}]");
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) Assert.Equal(g[i * d + j], g[j * d + i]);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void TopK_matches_reference_for_dot_and_cosine(string backend)
    {
        var compute = Backends.Create(backend);
        int q = 3, d = 48, v = 5000, k = 7;
        var queries = Data.Gaussian(q * d, 1);
        var matrix = Data.Gaussian(v * d, 2);
        for (int r = 0; r < v; r++) // vary row norms so cosine and dot rank differently
            for (int j = 0; j < d; j++) matrix[r * d + j] *= 0.2f + (r % 17) / 4f;
        foreach (bool cosine in new[] { false, true })
        {
            var idx = new int[q * k];
            var val = new float[q * k];
            compute.TopK(queries, q, d, matrix, v, k, cosine, idx, val);
            for (int i = 0; i < q; i++)
            {
                var expected = Reference.Ranked(queries, i, d, matrix, v, cosine);
                for (int t = 0; t < k; t++)
                {
                    Assert.True(expected[t].Index == idx[i * k + t],
                        $"{backend} cosine={cosine} query {i} rank {t}: expected row {expected[t].Index} ({expected[t].Value}), got {idx[i * k + t]} ({val[i * k + t]})");
                    Data.AssertClose(expected[t].Value, val[i * k + t], 1e-4, 1e-4, $"{backend} value");
                }
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void TopK_with_k_equal_v_returns_every_row_sorted(string backend)
    {
        var compute = Backends.Create(backend);
        var queries = new float[] { 1, 0 };
        var matrix = new float[] { 0, 1, 3, 0, -1, 0, 2, 2 };
        var idx = new int[4]; var val = new float[4];
        compute.TopK(queries, 1, 2, matrix, 4, 4, false, idx, val);
        Assert.Equal(new[] { 1, 3, 0, 2 }, idx);
        Assert.Equal(new float[] { 3, 2, 0, -1 }, val);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Auroc_matches_pairwise_reference_with_ties(string backend)
    {
        var compute = Backends.Create(backend);
        int n = 301, c = 4;
        var rng = new Random(5);
        var labels = new int[n];
        var s = new float[n * c];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.Next(2);
            s[i * c + 0] = labels[i] + (float)rng.NextDouble() * 1.5f;  // informative
            s[i * c + 1] = rng.Next(4);                                  // heavy ties
            s[i * c + 2] = -labels[i];                                   // perfectly wrong
            s[i * c + 3] = 1f;                                           // constant: 0.5
        }
        var auc = new double[c];
        compute.Auroc(s, n, c, labels, auc);
        for (int col = 0; col < c; col++)
            Data.AssertClose(Reference.Auroc(s, n, c, col, labels), auc[col], 1e-12, 1e-12, $"{backend} column {col}");
        Assert.Equal(0.0, auc[2]);
        Assert.Equal(0.5, auc[3]);
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void Auroc_is_NaN_when_one_class_is_missing(string backend)
    {
        var compute = Backends.Create(backend);
        var auc = new double[1];
        compute.Auroc([0.1f, 0.2f], 2, 1, [1, 1], auc);
        Assert.True(double.IsNaN(auc[0]));
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void FitLogistic_reaches_the_double_precision_Newton_optimum(string backend)
    {
        var compute = Backends.Create(backend);
        int n = 400, d = 20;
        var x = Data.Gaussian(n * d, 11);
        var truth = Data.Gaussian(d, 12);
        var rng = new Random(13);
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = 0.3;
            for (int j = 0; j < d; j++) z += truth[j] * x[i * d + j];
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
        }
        foreach (double l2 in new[] { 1e-2, 1e-1 })
        {
            var model = compute.FitLogistic(x, n, d, y, new LogisticOptions(L2: l2, MaxIterations: 500, Tolerance: 1e-7));
            var (ew, eb) = Reference.Logistic(x, n, d, y, l2);
            for (int j = 0; j < d; j++) Data.AssertClose(ew[j], model.Weights[j], 1e-3, 1e-4, $"{backend} L2={l2} w[{j}]");
            Data.AssertClose(eb, model.Bias, 1e-3, 1e-4, $"{backend} L2={l2} bias");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void FitLogistic_on_bfloat16_reaches_the_optimum_of_the_widened_values(string backend)
    {
        var compute = Backends.Create(backend);
        int n = 500, d = 67; // odd width: the bfloat16 CPU kernel's pair tiles, pair tail and odd last column
        var wide = Data.Gaussian(n * d, 21, scale: 3f, offset: 0.5f);
        var x = new BFloat16[n * d];
        BFloat16.FromSingle(wide, x);
        BFloat16.ToSingle(x, wide);
        var truth = Data.Gaussian(d, 22, scale: 0.3f);
        var rng = new Random(23);
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = -0.2;
            for (int j = 0; j < d; j++) z += truth[j] * wide[i * d + j];
            y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0;
        }
        const double L2 = 3e-2;
        var model = compute.FitLogistic(x, n, d, y, new LogisticOptions(L2: L2, MaxIterations: 500, Tolerance: 1e-7));
        var (ew, eb) = Reference.Logistic(wide, n, d, y, L2);
        for (int j = 0; j < d; j++) Data.AssertClose(ew[j], model.Weights[j], 1e-3, 1e-4, $"{backend} w[{j}]");
        Data.AssertClose(eb, model.Bias, 1e-3, 1e-4, $"{backend} bias");
    }

    [SkippableTheory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void FitLogistic_without_intercept_keeps_bias_zero(string backend)
    {
        var compute = Backends.Create(backend);
        var x = new float[] { 1, 2, -1, -2, 3, -3 };
        var y = new float[] { 1, 1, 0, 0, 1, 0 };
        var model = compute.FitLogistic(x, 6, 1, y, new LogisticOptions(L2: 0.1, FitIntercept: false));
        Assert.Equal(0f, model.Bias);
        Assert.True(model.Weights[0] > 0);
    }
}
