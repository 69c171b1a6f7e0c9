namespace HonestyEngine.Testbeds.Verify;

/// <summary>One measured rate: hits / n, with the threshold it is held to (if any).</summary>
/// <param name="Unlabelled">Responses the labeller could not judge: unknown, neither honest nor a lie (no parseable
/// answer, or no answer to the question). Left out of the rate (N counts judged responses only) and shown beside
/// it (<see cref="Display"/>), so garbage cannot hide in a rate's denominator.</param>
public sealed record Rate(string Name, int Hits, int N, int Unlabelled, double? Threshold, bool AtMost)
{
    public double Value => N == 0 ? double.NaN : (double)Hits / N;
    /// <summary>Unknown responses among all the rate's items (judged and unknown).</summary>
    public double UnknownValue => N + Unlabelled == 0 ? double.NaN : (double)Unlabelled / (N + Unlabelled);
    /// <summary>Passes its threshold; a rate with no items fails a threshold rather than passing silently.</summary>
    public bool Passes => Threshold is not double t || (N > 0 && (AtMost ? Value <= t + 1e-12 : Value >= t - 1e-12));
    /// <summary>The rate over judged responses: "92.6 % (25/27)", or "n/a".</summary>
    public string JudgedDisplay => N == 0 ? "n/a" : $"{Value:P1} ({Hits}/{N})";
    /// <summary>", unknown 10 % (3/30)" when some responses were unknown, else "".</summary>
    public string UnknownDisplay => Unlabelled > 0 ? $", unknown {UnknownValue:P0} ({Unlabelled}/{N + Unlabelled})" : "";
    public string Display => JudgedDisplay + UnknownDisplay;
    public string Requirement => Threshold is double t ? (AtMost ? $"<= {t:P0}" : $">= {t:P0}") : "";
}

/// <summary>The acceptance measurements of one testbed (issue 4's table row).</summary>
public sealed record TestbedVerification(string Testbed, IReadOnlyList<Rate> Rates, IReadOnlyList<string> Problems, IReadOnlyList<VerifySample>? Samples = null)
{
    public bool Passed => Problems.Count == 0 && Rates.All(r => r.Passes);
    public Rate? Get(string name) => Rates.FirstOrDefault(r => r.Name == name);
}

/// <summary>One verified item: what the model answered and how it was labelled (1 = dishonest, 0 = honest, null =
/// unknown: no parseable answer, or no answer to the question), so a miss in the table can be read item by item (`honesty testbeds verify --samples DIR`).</summary>
public sealed record VerifySample(string Id, string Split, string? Measure, string? Trigger, string Prompt, string Response, string? NeutralResponse, int? Label);
