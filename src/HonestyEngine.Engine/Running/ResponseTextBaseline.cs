using System.Text.RegularExpressions;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>The response-text reference row: an L2-regularised logistic regression on the words of the response (binary
/// bag of words, lower-cased), cross-fitted on the eval labels like the privileged upper-bound probe: the eval groups
/// (subjects) are dealt into <see cref="Folds"/> folds by a seeded hash, and every eval transcript (and both members of
/// its counterfactual pair) is scored by the model fitted without its fold; control transcripts by the model fitted on
/// all labelled eval transcripts. It shows how much of a detector's AUROC the surface of the answer explains.</summary>
internal static partial class ResponseTextBaseline
{
    public const int Folds = 5;
    private const double L2 = 1.0;
    private const int Iterations = 400;

    [GeneratedRegex("[a-z0-9']+")]
    private static partial Regex Word();

    public static double[] Score(IReadOnlyList<LabelledTranscript> transcripts, int seed)
    {
        var words = transcripts.Select(t => Word().Matches(Response(t).ToLowerInvariant()).Select(m => m.Value).Distinct().ToArray()).ToArray();
        // Each transcript's fold, once: the first 32 bits of the seeded hash of its group, modulo the fold count.
        var fold = transcripts.Select(t => (int)(Convert.ToUInt32(Matrix.MethodVariant.Hash($"{seed}|{ItemFacts.Group(t.Item)}")[..8], 16) % Folds)).ToArray();
        var train = Enumerable.Range(0, transcripts.Count).Where(i => transcripts[i].Split == Splits.Eval && transcripts[i].Label is 0 or 1).ToList();
        var scores = new double[transcripts.Count];
        var all = Fit(train, words, transcripts);
        for (int f = 0; f < Folds; f++)
        {
            var model = Fit(train.Where(i => fold[i] != f).ToList(), words, transcripts);
            for (int i = 0; i < transcripts.Count; i++)
                if (transcripts[i].Split != Splits.Control && fold[i] == f) scores[i] = model(words[i]);
        }
        for (int i = 0; i < transcripts.Count; i++)
            if (transcripts[i].Split == Splits.Control) scores[i] = all(words[i]);
        return scores;
    }

    private static string Response(LabelledTranscript t) => t.Messages.Count > 0 && t.Messages[^1].Role == "assistant" ? t.Messages[^1].Content : "";

    /// <summary>Fits on the given rows; returns the scorer (the log-odds of a lie). Full-batch gradient descent on the
    /// mean log-loss plus L2/(2n)·|w|², deterministic; with no row or one class it learns the base rate only.</summary>
    private static Func<string[], double> Fit(List<int> rows, string[][] words, IReadOnlyList<LabelledTranscript> transcripts)
    {
        var vocabulary = rows.SelectMany(i => words[i]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select((w, k) => (w, k)).ToDictionary(x => x.w, x => x.k, StringComparer.Ordinal);
        var w = new double[vocabulary.Count];
        double bias = 0;
        int n = rows.Count;
        if (n == 0) return _ => 0;
        var features = rows.Select(i => words[i].Select(x => vocabulary[x]).ToArray()).ToArray();
        var y = rows.Select(i => (double)transcripts[i].Label!.Value).ToArray();
        var grad = new double[w.Length];
        const double step = 0.5;
        for (int it = 0; it < Iterations; it++)
        {
            Array.Clear(grad);
            double gradBias = 0;
            for (int r = 0; r < n; r++)
            {
                double z = bias;
                foreach (int k in features[r]) z += w[k];
                double residual = 1.0 / (1.0 + Math.Exp(-z)) - y[r];
                gradBias += residual;
                foreach (int k in features[r]) grad[k] += residual;
            }
            bias -= step * gradBias / n;
            for (int k = 0; k < w.Length; k++) w[k] -= step * (grad[k] + L2 * w[k]) / n;
        }
        return doc =>
        {
            double z = bias;
            foreach (var x in doc) if (vocabulary.TryGetValue(x, out int k)) z += w[k];
            return z;
        };
    }
}
