namespace HonestyEngine.Testbeds.Verify;

/// <summary>One measured rate: hits / n, with the threshold it is held to (if any).</summary>
/// <param name="Unlabelled">Responses the labeller could not judge (left out of the rate, reported).</param>
public sealed record Rate(string Name, int Hits, int N, int Unlabelled, double? Threshold, bool AtMost)
{
    public double Value => N == 0 ? double.NaN : (double)Hits / N;
    /// <summary>Passes its threshold; a rate with no items fails a threshold rather than passing silently.</summary>
    public bool Passes => Threshold is not double t || (N > 0 && (AtMost ? Value <= t + 1e-12 : Value >= t - 1e-12));
    public string Display => N == 0 ? "n/a" : $"{Value:P1} ({Hits}/{N})";
    public string Requirement => Threshold is double t ? (AtMost ? $"<= {t:P0}" : $">= {t:P0}") : "";
}

/// <summary>The acceptance measurements of one testbed (issue 4's table row).</summary>
public sealed record TestbedVerification(string Testbed, IReadOnlyList<Rate> Rates, IReadOnlyList<string> Problems, IReadOnlyList<VerifySample>? Samples = null)
{
    public bool Passed => Problems.Count == 0 && Rates.All(r => r.Passes);
    public Rate? Get(string name) => Rates.FirstOrDefault(r => r.Name == name);
}

/// <summary>One verified item: what the model answered and how it was labelled (1 = dishonest, 0 = honest, null =
/// not judged), so a miss in the table can be read item by item (`honesty testbeds verify --samples DIR`).</summary>
public sealed record VerifySample(string Id, string Split, string? Measure, string? Trigger, string Prompt, string Response, string? NeutralResponse, int? Label);
