using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

/// <summary>The ranking of one kind's methods, claiming only what a paired test supports.
/// - Only methods are ranked: the privileged upper bound and the engine's reference rows are not, and honest control
///   testbeds enter no mean.
/// - Means are taken over one common set of testbeds, where every ranked method's headline metric is defined. A method
///   undefined on more than a quarter of the candidate testbeds (those where any method is defined) is left out of the
///   ranking, saying so, rather than shrinking the common set for all.
/// - CIs of the means and of the differences come from one paired cluster bootstrap: per resample, every testbed's
///   groups are drawn once and every method is scored on that same draw. Neighbours in the ranking are compared by the
///   two-sided bootstrap p of their difference, Holm-corrected across the comparisons shown.</summary>
internal static class Rankings
{
    private const double MaxUndefinedShare = 0.25;
    private const double Alpha = 0.05;

    public static Ranking? Build(string kind, IReadOnlyList<CellResult> cells, Dictionary<(string, string), List<SampleRecord>> byCell, int seed, MetricOptions options)
    {
        string metric = MetricNames.Headline(kind);
        var ofKind = cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind).ToList();
        if (ofKind.Count == 0) return null;
        var candidates = ofKind.Where(c => c.Role == CellRole.Method && !c.ControlTestbed).ToList();
        var methods = candidates.Select(c => c.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        bool Defined(string method, string testbed) => candidates.Any(c => c.Method == method && c.Testbed == testbed && c.Status == CellStatus.Ok
            && c.Metrics.TryGetValue(metric, out var m) && m.Value is not null);
        var testbeds = candidates.Select(c => c.Testbed).Distinct(StringComparer.Ordinal)
            .Where(t => methods.Any(m => Defined(m, t))).ToList();
        var notRanked = new List<NotRanked>();
        if (testbeds.Count == 0)
            return new Ranking
            {
                Kind = kind, Metric = metric,
                NotRanked = methods.Select(m => new NotRanked { Method = m, Reason = $"{MetricNames.Display(metric)} is undefined on every testbed" }).ToList(),
                Note = "no testbed has a defined value: nothing is ranked",
            };

        var ranked = new List<string>(methods);
        while (true)
        {
            var worst = ranked.Select(m => (Method: m, Missing: testbeds.Count(t => !Defined(m, t))))
                .OrderByDescending(x => x.Missing).ThenBy(x => x.Method, StringComparer.Ordinal).FirstOrDefault();
            if (worst.Method is null || worst.Missing <= MaxUndefinedShare * testbeds.Count) break;
            ranked.Remove(worst.Method);
            notRanked.Add(new NotRanked
            {
                Method = worst.Method,
                Reason = $"{MetricNames.Display(metric)} defined on {testbeds.Count - worst.Missing} of the {testbeds.Count} testbeds where any method is " +
                         $"(missing: {string.Join(", ", testbeds.Where(t => !Defined(worst.Method, t)))})",
            });
        }
        var common = testbeds.Where(t => ranked.All(m => Defined(m, t))).ToList();
        if (ranked.Count == 0 || common.Count == 0)
            return new Ranking { Kind = kind, Metric = metric, NotRanked = notRanked, Note = "no testbed where every method is defined: nothing is ranked" };

        // Point means from the cells' own values; the bootstrap from the samples.
        var means = ranked.ToDictionary(m => m, m => common.Average(t => candidates.First(c => c.Method == m && c.Testbed == t).Metrics[metric].Value!.Value));
        var resampled = Resample(kind, ranked, common, byCell, seed, options);

        var order = ranked.OrderByDescending(m => means[m]).ThenBy(m => m, StringComparer.Ordinal).ToList();
        var rows = new List<RankedMethod>();
        for (int i = 0; i < order.Count; i++)
        {
            int rank = i > 0 && means[order[i]] == means[order[i - 1]] ? rows[i - 1].Rank : i + 1;
            bool tied = order.Count(m => means[m] == means[order[i]]) > 1;
            var (lo, hi) = Percentiles(resampled[order[i]]);
            rows.Add(new RankedMethod { Method = order[i], Mean = means[order[i]], CiLow = lo, CiHigh = hi, Rank = rank, RankText = tied ? $"={rank}" : $"{rank}" });
        }

        var comparisons = new List<Comparison>();
        for (int i = 0; i + 1 < order.Count; i++)
        {
            var a = resampled[order[i]];
            var b = resampled[order[i + 1]];
            var diff = new List<double>(a.Length);
            for (int k = 0; k < a.Length; k++) if (double.IsFinite(a[k]) && double.IsFinite(b[k])) diff.Add(a[k] - b[k]);
            var d = diff.ToArray();
            double p = d.Length == 0 ? 1.0 : Math.Min(1.0, 2.0 * Math.Min(d.Count(x => x <= 0), d.Count(x => x >= 0)) / d.Length);
            var (lo, hi) = Percentiles(d);
            comparisons.Add(new Comparison { A = order[i], B = order[i + 1], Difference = means[order[i]] - means[order[i + 1]], CiLow = lo, CiHigh = hi, P = p });
        }
        var holm = Holm(comparisons.Select(c => c.P).ToArray());
        for (int i = 0; i < comparisons.Count; i++)
            comparisons[i] = comparisons[i] with { PHolm = holm[i], Distinguishable = holm[i] < Alpha };

        return new Ranking
        {
            Kind = kind, Metric = metric, Testbeds = common, Rows = rows, NotRanked = notRanked, Comparisons = comparisons,
            Note = common.Count < testbeds.Count ? $"ranked over {common.Count} of the {testbeds.Count} testbeds where any method is defined" : null,
        };
    }

    /// <summary>Holm's step-down adjustment (Holm 1979): sort ascending, p_(i) * (m - i + 1), running maximum, capped at 1.</summary>
    internal static double[] Holm(double[] p)
    {
        int m = p.Length;
        var order = Enumerable.Range(0, m).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        double running = 0;
        for (int r = 0; r < m; r++)
        {
            running = Math.Max(running, Math.Min(1.0, p[order[r]] * (m - r)));
            adjusted[order[r]] = running;
        }
        return adjusted;
    }

    private static (double, double) Percentiles(double[] values)
    {
        var defined = values.Where(double.IsFinite).ToArray();
        if (defined.Length == 0) return (double.NaN, double.NaN);
        return Bootstrap.PercentileInterval(defined);
    }

    /// <summary>Per method, the mean over the common testbeds of the headline statistic on each paired resample
    /// (NaN where some testbed's resample left the statistic undefined for that method).</summary>
    private static Dictionary<string, double[]> Resample(string kind, List<string> methods, List<string> testbeds,
        Dictionary<(string, string), List<SampleRecord>> byCell, int seed, MetricOptions options)
    {
        int resamples = options.BootstrapResamples;
        var sums = methods.ToDictionary(m => m, _ => new double[resamples]);
        foreach (var testbed in testbeds)
        {
            var statistics = methods.ToDictionary(m => m, m => Statistic(kind, byCell.GetValueOrDefault((testbed, m)) ?? [], options));
            var universe = statistics.Values.SelectMany(s => s.Groups).ToList();
            var clusters = new Clusters(universe);
            var index = clusters.Keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i, StringComparer.Ordinal);
            var rng = SplitMix64.ForMetric(seed, $"ranking|{kind}|{testbed}");
            var counts = new int[clusters.Count];
            var weights = methods.ToDictionary(m => m, m => new int[statistics[m].Groups.Count]);
            for (int b = 0; b < resamples; b++)
            {
                clusters.Draw(ref rng, counts);
                foreach (var m in methods)
                {
                    var st = statistics[m];
                    var w = weights[m];
                    for (int k = 0; k < w.Length; k++) w[k] = counts[index[st.Groups[k]]];
                    sums[m][b] += st.Value(w);
                }
            }
        }
        foreach (var m in methods)
            for (int b = 0; b < resamples; b++) sums[m][b] /= testbeds.Count;
        return sums;
    }

    private sealed record Stat(IReadOnlyList<string> Groups, Func<int[], double> Value);

    /// <summary>The headline statistic of one cell as a function of per-sample weights, over the samples it uses.</summary>
    private static Stat Statistic(string kind, List<SampleRecord> samples, MetricOptions options)
    {
        string Group(SampleRecord s) => s.Group ?? s.Sample;
        switch (kind)
        {
            case MetricNames.Detector:
            {
                var used = samples.Where(s => s.Split == "eval" && s.Label is 0 or 1).ToList();
                var auroc = new WeightedAuroc(used.Select(s => s.Score!.Value).ToArray(), used.Select(s => s.Label == 1).ToArray());
                return new Stat(used.Select(Group).ToList(), w => auroc.Value(w));
            }
            case MetricNames.Intervention:
            {
                var used = InterventionMetrics.Targets(samples, options).Select(i => samples[i]).ToList();
                var honest = used.Select(s => InterventionMetrics.ItemHonesty(s, options)).ToArray();
                return new Stat(used.Select(Group).ToList(), w => Weighted.Mean(honest, w));
            }
            default:
            {
                var success = samples.Select(s => s.Score ?? (s.Outcome?.Correct is { Count: > 0 } c && c[0] ? 1.0 : 0.0)).ToArray();
                return new Stat(samples.Select(Group).ToList(), w => Weighted.Mean(success, w));
            }
        }
    }
}
