using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>A fixed, small run: detectors, an intervention and elicitors on synthetic samples whose metrics are really
/// computed (seeded), plus the awkward cases the reports must show: a failed cell (error with comma, quote, pipe and a
/// line break), a skipped cell, a detector with no lies on a testbed (AUROC undefined), a method missing on a testbed.</summary>
internal static class ReportFixture
{
    public const int Seed = 7;
    public static readonly string[] DetectorTestbeds = ["insider-trading", "sandbagging"];
    public static readonly string[] Detectors = ["lr-probe(layer=4)", "lr-probe(layer=8)", "follow-up-question", "blind-detector"];

    private static readonly Lazy<(RunResults Results, List<SampleRecord> Samples)> Built = new(Build);

    public static RunResults Results => Built.Value.Results;
    public static List<SampleRecord> Samples => Built.Value.Samples;

    private static (RunResults, List<SampleRecord>) Build()
    {
        var samples = new List<SampleRecord>();
        var cells = new List<CellResult>();
        var rng = new Random(2026);
        // Rounded to 4 decimals so the approved files do not depend on the last bit of Math.Log on a given CPU.
        double Normal() => Math.Round(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()), 4);

        void Detector(string testbed, string method, double shift, int lies, int honest, int control, double seconds)
        {
            int i = 0;
            var cellSamples = new List<SampleRecord>();
            // Lies carry the trigger; half of the honest answers do too (so AUROC within the trigger is defined).
            for (int k = 0; k < lies; k++) cellSamples.Add(new() { Testbed = testbed, Method = method, Sample = $"{testbed}/{i}", Split = "eval", Label = 1, Score = Math.Round(shift + Normal(), 4), Trigger = true, Group = $"s{i++ / 2}" });
            for (int k = 0; k < honest; k++) cellSamples.Add(new() { Testbed = testbed, Method = method, Sample = $"{testbed}/{i}", Split = "eval", Label = 0, Score = Normal(), Trigger = k % 2 == 0, Group = $"s{i++ / 2}" });
            for (int k = 0; k < control; k++) cellSamples.Add(new() { Testbed = testbed, Method = method, Sample = $"alpaca/{k}", Split = "control", Label = 0, Score = Math.Round(Normal() - 0.3, 4), Trigger = false, Group = $"alpaca/{k}" });
            cells.Add(Cell(testbed, method, "white-box/probe", "detector", cellSamples, seconds));
            samples.AddRange(cellSamples);
        }

        Detector("insider-trading", "lr-probe(layer=4)", 1.6, 40, 60, 120, 1.25);
        Detector("insider-trading", "lr-probe(layer=8)", 2.4, 40, 60, 120, 1.5);
        Detector("insider-trading", "follow-up-question", 0.7, 40, 60, 120, 12.0);
        Detector("insider-trading", "blind-detector", 0.0, 40, 60, 120, 0.25);
        Detector("sandbagging", "lr-probe(layer=4)", 1.1, 30, 30, 120, 1.0);
        Detector("sandbagging", "lr-probe(layer=8)", 1.3, 30, 30, 120, 1.125);
        cells.Add(new CellResult
        {
            Testbed = "sandbagging", Method = "follow-up-question", Family = "black-box/prompting", Kind = "detector", Status = CellStatus.Failed,
            Error = "TimeoutException: ran past its 60 s budget | model said \"no\", twice\nat FollowUp.Score()", Seconds = 60,
        });
        Detector("sandbagging", "blind-detector", 0.0, 0, 40, 120, 0.25); // no lies on this testbed: AUROC undefined

        var wang = new List<SampleRecord>();
        for (int k = 0; k < 30; k++)
        {
            int neutral = 5 + rng.Next(6), pressure = Math.Max(0, neutral - rng.Next(4));
            wang.Add(new() { Testbed = "sandbagging", Method = "honesty-prompt", Sample = $"wmdp/{k}", Split = "eval", Score = pressure / 10.0,
                Trigger = true, Group = $"wmdp/{k}",
                Outcome = new SampleOutcome { NeutralAccuracy = neutral / 10.0, Correct = Enumerable.Range(0, 10).Select(j => j < pressure).ToList(),
                    Labels = Enumerable.Range(0, 10).Select(j => (int?)(j < pressure ? 0 : 1)).ToList() } });
        }
        cells.Add(Cell("sandbagging", "honesty-prompt", "black-box/prompting", "intervention", wang, 30.5));
        samples.AddRange(wang);
        var labelled = new List<SampleRecord>();
        for (int k = 0; k < 25; k++)
        {
            int? label = rng.Next(3) == 0 ? 1 : 0;
            labelled.Add(new() { Testbed = "insider-trading", Method = "honesty-prompt", Sample = $"insider/{k}", Split = "eval", Label = label, Score = null,
                Trigger = true, Group = $"insider/{k / 2}", Outcome = new SampleOutcome { Labels = [label], UntreatedLabel = 1 } });
        }
        cells.Add(Cell("insider-trading", "honesty-prompt", "black-box/prompting", "intervention", labelled, 20.0));
        samples.AddRange(labelled);

        foreach (var (method, p) in new[] { ("prefill", 0.45), ("user-persona", 0.25) })
        {
            var items = new List<SampleRecord>();
            for (int k = 0; k < 20; k++)
            {
                var guesses = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() < p).ToArray();
                items.Add(new() { Testbed = "taboo-gold", Method = method, Sample = $"taboo/{k}", Split = "elicit", Score = guesses[0] ? 1 : 0,
                    Outcome = new SampleOutcome { Correct = guesses } });
            }
            cells.Add(Cell("taboo-gold", method, "black-box/elicitation", "elicitor", items, 8.0));
            samples.AddRange(items);
        }
        cells.Add(new CellResult { Testbed = "taboo-gold", Method = "sae-features", Family = "white-box/sae", Kind = "elicitor", Status = CellStatus.Skipped, Error = "testbed has no base model" });

        // A reference row: scores the trigger flag (never ranked).
        foreach (var testbed in DetectorTestbeds)
        {
            var oracle = samples.Where(x => x.Testbed == testbed && x.Method == "lr-probe(layer=4)")
                .Select(x => x with { Method = ReferenceRows.TriggerOracle, Score = x.Trigger == true ? 1 : 0 }).ToList();
            cells.Add(Cell(testbed, ReferenceRows.TriggerOracle, "reference", "detector", oracle, 0.0) with { Role = CellRole.Reference });
            samples.AddRange(oracle);
        }

        var results = new RunResults { Created = "2026-11-23T12:00:00Z", Seed = Seed, Profile = "quick", Device = "cpu", Cells = cells };
        // Every number through the same path as a run: cell metrics, deltas, rankings.
        return (RunMetrics.Compute(results, samples).Results, samples);
    }

    private static CellResult Cell(string testbed, string method, string family, string kind, List<SampleRecord> samples, double seconds)
    {
        var m = CellMetrics.Compute(kind, samples, Seed);
        return new CellResult
        {
            Testbed = testbed, Method = method, Family = family, Kind = kind, Anchor = "test fixture", Status = CellStatus.Ok,
            N = m.N, Metrics = m.Metrics, Seconds = seconds,
            Parameters = method.Contains("layer=") ? new Dictionary<string, string> { ["layer"] = method[^2..^1] } : new Dictionary<string, string>(),
            CacheKey = $"{testbed}|{method}|{Seed}",
        };
    }
}
