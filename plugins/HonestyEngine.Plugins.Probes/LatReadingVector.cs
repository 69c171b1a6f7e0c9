using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("lat-reading-vector", Family = "white-box/probe", Anchor = "Zou et al. 2023 (RepE)",
    Description = "Linear artificial tomography: the first principal component of the differences between paired "
        + "deceptive and honest activations of the instructed pairs. As in RepE's PCA rep-reader, each pair's difference "
        + "enters with a random (seeded) order and the differences are recentred before PCA; the sign is then chosen so "
        + "that deceptive examples project higher on the training pairs (never on eval labels). Pairs are matched by "
        + "the items' 'pair' metadata, or else the i-th honest with the i-th deceptive item. Activations mean-pooled over "
        + "the response, as Apollo applies LAT; layer is a fraction of depth (0.5 = middle, 0.2 = Liars' Bench) for our "
        + "few-layer models.")]
public sealed class LatReadingVector : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var train = ProbeInputs.InstructedPairs(context);
        var x = ProbeInputs.ResidPost(context, train.Transcripts, layer, "mean");
        var pairs = Pair(train.Items, train.Labels);
        var direction = ReadingVector(context.Compute, x, pairs, context.Seed);
        return ProbeInputs.Project(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "mean"),
            LinearAlgebra.ToFloat(direction), 0f, "lat-reading-vector");
    }

    /// <summary>(honest row, deceptive row) pairs of the training items (rows in the order of <paramref name="train"/>).</summary>
    internal static List<(int Honest, int Deceptive)> Pair(IReadOnlyList<DatasetItem> train, float[] labels)
    {
        var pairs = new List<(int, int)>();
        bool keyed = train.All(t => t.GetMeta("pair") is not null);
        if (keyed)
        {
            var byKey = new Dictionary<string, (int H, int D)>();
            for (int i = 0; i < train.Count; i++)
            {
                string key = train[i].GetMeta("pair")!;
                var entry = byKey.TryGetValue(key, out var e) ? e : (H: -1, D: -1);
                entry = labels[i] > 0.5f ? (entry.H, i) : (i, entry.D);
                byKey[key] = entry;
            }
            foreach (var (h, d) in byKey.Values) if (h >= 0 && d >= 0) pairs.Add((h, d));
        }
        else
        {
            var honest = Enumerable.Range(0, train.Count).Where(i => labels[i] <= 0.5f).ToList();
            var deceptive = Enumerable.Range(0, train.Count).Where(i => labels[i] > 0.5f).ToList();
            for (int i = 0; i < Math.Min(honest.Count, deceptive.Count); i++) pairs.Add((honest[i], deceptive[i]));
        }
        if (pairs.Count < 2)
            throw new MethodInputException($"Resource '{ResourceNames.InstructedPairs}' yields {pairs.Count} honest/deceptive pairs; LAT needs at least 2.");
        return pairs;
    }

    internal static double[] ReadingVector(IActivationCompute compute, Tensor x, List<(int Honest, int Deceptive)> pairs, int seed)
    {
        int d = x.RowLength;
        var rng = new Random(seed);
        var diffs = new Tensor([pairs.Count, d]);
        for (int p = 0; p < pairs.Count; p++)
        {
            float sign = rng.Next(2) == 0 ? 1f : -1f; // RepE shuffles the order inside each pair
            var h = x.ReadRow(pairs[p].Honest);
            var dec = x.ReadRow(pairs[p].Deceptive);
            var row = diffs.Row(p);
            for (int j = 0; j < d; j++) row[j] = sign * (dec[j] - h[j]);
        }
        var (_, cov) = LinearAlgebra.MeanCovariance(compute, diffs);
        var v = LinearAlgebra.TopEigenvector(cov, d, seed);

        int agree = 0;
        foreach (var (honest, deceptive) in pairs)
        {
            double s = 0;
            var h = x.ReadRow(honest);
            var dec = x.ReadRow(deceptive);
            for (int j = 0; j < d; j++) s += v[j] * (dec[j] - h[j]);
            if (s > 0) agree++;
        }
        if (2 * agree < pairs.Count) for (int j = 0; j < d; j++) v[j] = -v[j];
        return v;
    }
}
