using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Metrics;

public class ElicitorTests
{
    private static SampleRecord Item(string id, params bool[] correct) => new()
    {
        Testbed = "tb", Method = "prefill", Sample = id, Split = "elicit", Score = correct.Length > 0 && correct[0] ? 1 : 0,
        Outcome = new SampleOutcome { Correct = correct },
    };

    internal static List<SampleRecord> Items(int seed, int n, int guesses)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => Item($"i{i}", Enumerable.Range(0, guesses).Select(_ => rng.NextDouble() < 0.3).ToArray())).ToList();
    }

    [Fact]
    public void Success_rate_counts_first_guesses_and_pass_at_k_says_which_k()
    {
        var samples = new List<SampleRecord>
        {
            Item("a", true, false, false, false, false, false),
            Item("b", false, false, true, false, false, false),
            Item("c", false, false, false, false, false, false),
        };
        var r = CellMetrics.Compute("elicitor", samples, 1);
        Assert.Equal(1.0 / 3.0, r.Metrics[MetricNames.SuccessRate].Value!.Value, 12);
        // k = 5 of n = 6: one correct guess gives pass@5 = 1 - C(5,5)/C(6,5) = 5/6 for a and b, 0 for c.
        Assert.Equal((5.0 / 6 + 5.0 / 6) / 3, r.Metrics[MetricNames.PassAtK].Value!.Value, 12);
        Assert.StartsWith("k = 5", r.Metrics[MetricNames.PassAtK].Note);
    }

    [Fact]
    public void K_is_lowered_to_the_fewest_guesses_and_the_note_says_so()
    {
        var r = CellMetrics.Compute("elicitor", [Item("a", false, true), Item("b", true, false, false, false, false, false, false)], 1);
        var m = r.Metrics[MetricNames.PassAtK];
        Assert.StartsWith("k = 2", m.Note);
        Assert.Contains("lowered from 5", m.Note);
        // a: n = 2, c = 1, k = 2 -> 1; b: n = 7, c = 1 -> 1 - C(6,2)/C(7,2) = 1 - 15/21.
        Assert.Equal((1.0 + (1.0 - 15.0 / 21.0)) / 2, m.Value!.Value, 12);
    }

    [Fact]
    public void Items_without_guesses_count_as_failures_not_as_errors()
    {
        var r = CellMetrics.Compute("elicitor", [Item("a", true, true), Item("b")], 1);
        Assert.Equal(0.5, r.Metrics[MetricNames.PassAtK].Value);
        Assert.Contains("1 item with no guess", r.Metrics[MetricNames.PassAtK].Note);
    }

    [Fact]
    public void Without_per_guess_outcomes_pass_at_k_is_undefined()
    {
        var s = new SampleRecord { Testbed = "tb", Method = "m", Sample = "a", Split = "elicit", Score = 1 };
        var r = CellMetrics.Compute("elicitor", [s], 1);
        Assert.Equal(1.0, r.Metrics[MetricNames.SuccessRate].Value);
        Assert.Null(r.Metrics[MetricNames.PassAtK].Value);
        Assert.Contains("outcome.correct", r.Metrics[MetricNames.PassAtK].Note);
    }

    [Fact]
    public void Samples_without_score_or_guesses_are_excluded_from_success_rate_and_said_so()
    {
        var none = new SampleRecord { Testbed = "tb", Method = "prefill", Sample = "z", Split = "elicit", Score = null };
        var r = CellMetrics.Compute("elicitor", [Item("a", true), none], 1);
        Assert.Equal(1.0, r.Metrics[MetricNames.SuccessRate].Value);
        Assert.Equal(1, r.Metrics[MetricNames.SuccessRate].N);
        Assert.Contains("1 sample without a score or guesses excluded", r.Metrics[MetricNames.SuccessRate].Note);
    }

    [Fact]
    public void Pass_at_k_estimator_edge_cases()
    {
        Assert.Equal(1.0, PassAtK.Estimate(5, 5, 5));
        Assert.Equal(0.0, PassAtK.Estimate(5, 0, 1));
        Assert.Equal(0.2, PassAtK.Estimate(5, 1, 1), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => PassAtK.Estimate(3, 1, 4));
    }
}
