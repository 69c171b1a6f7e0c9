using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

/// <summary>P(Yes) normalised over the two answer options, from the model's continuation log-probabilities.
/// Wang et al. read a 0-100 score; with log-probs the probability itself is the score (AUROC is rank-based).</summary>
internal static class YesNoScoring
{
    public static readonly string[] Options = ["Yes", "No"];
    private const int Batch = 16;

    public static double[] ProbabilityYes(IModelHandle model, IReadOnlyList<Prompt> prompts, string method, CancellationToken ct)
    {
        var result = new double[prompts.Count];
        for (int start = 0; start < prompts.Count; start += Batch)
        {
            ct.ThrowIfCancellationRequested();
            var requests = prompts.Skip(start).Take(Batch).Select(p => new ContinuationRequest(p, Options)).ToList();
            var logProbs = model.ContinuationLogProbs(requests, ct);
            if (logProbs.Count != requests.Count)
                throw new MethodInputException($"{method}: the model returned {logProbs.Count} log-prob rows for {requests.Count} requests.");
            for (int i = 0; i < requests.Count; i++)
                result[start + i] = Normalised(logProbs[i], method, start + i);
        }
        return result;
    }

    /// <summary>Log-odds log P(Yes) - log P(No): the feature Pacchiardi et al.'s classifier uses.</summary>
    public static double[] LogOdds(IModelHandle model, IReadOnlyList<Prompt> prompts, string method, CancellationToken ct)
    {
        var result = new double[prompts.Count];
        for (int start = 0; start < prompts.Count; start += Batch)
        {
            ct.ThrowIfCancellationRequested();
            var requests = prompts.Skip(start).Take(Batch).Select(p => new ContinuationRequest(p, Options)).ToList();
            var logProbs = model.ContinuationLogProbs(requests, ct);
            for (int i = 0; i < requests.Count; i++)
            {
                Check(logProbs[i], method, start + i);
                result[start + i] = logProbs[i][0] - logProbs[i][1];
            }
        }
        return result;
    }

    private static double Normalised(double[] lp, string method, int index)
    {
        Check(lp, method, index);
        double max = Math.Max(lp[0], lp[1]);
        double yes = Math.Exp(lp[0] - max), no = Math.Exp(lp[1] - max);
        return yes / (yes + no);
    }

    private static void Check(double[] lp, string method, int index)
    {
        if (lp.Length != 2)
            throw new MethodInputException($"{method}: the model returned {lp.Length} log-probs for the 2 options Yes/No (request {index}).");
        if (!double.IsFinite(lp[0]) || !double.IsFinite(lp[1]))
            throw new MethodInputException($"{method}: the model returned non-finite log-probs ({lp[0]}, {lp[1]}) for Yes/No (request {index}).");
    }
}
