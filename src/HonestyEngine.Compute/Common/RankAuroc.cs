using System.Runtime.CompilerServices;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Common;

/// <summary>AUROC of many score columns at once by the Mann-Whitney U statistic: sort each column,
/// give tied scores their average rank, AUROC = (R_pos - P(P+1)/2) / (P N). Sorting is host work on
/// every backend (n log n per column, negligible next to producing the scores); columns run in parallel.</summary>
internal static class RankAuroc
{
    public static void Run(ReadOnlySpan<float> scores, int n, int c, ReadOnlySpan<int> labels, Span<double> auroc, int threads)
    {
        Shapes.NonNegative(n, nameof(n));
        Shapes.Positive(c, nameof(c));
        Shapes.Matrix(scores.Length, n, c, nameof(scores));
        Shapes.Vector(labels.Length, n, nameof(labels));
        Shapes.Vector(auroc.Length, c, nameof(auroc));
        int positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[i] is not (0 or 1))
                throw new ArgumentException($"labels[{i}] is {labels[i]}; AUROC labels must be 0 (negative) or 1 (positive).", nameof(labels));
            positives += labels[i];
        }
        int col = Finite.FirstNonFinite(scores);
        if (col >= 0)
            throw new MethodInputException($"scores contain {Finite.Describe(scores[col])} at row {col / c}, column {col % c}; AUROC needs finite scores.");
        if (positives == 0 || positives == n)
        {
            auroc.Fill(double.NaN);
            return;
        }
        var s = scores.ToArray();
        var y = labels.ToArray();
        var result = new double[c];
        Parallel.For(0, c, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => (keys: new float[n], order: new int[n]),
            (j, _, buf) =>
            {
                result[j] = Column(s, n, c, j, y, positives, buf.keys, buf.order);
                return buf;
            },
            _ => { });
        result.CopyTo(auroc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Column(float[] s, int n, int c, int j, int[] y, int positives, float[] keys, int[] order)
    {
        for (int i = 0; i < n; i++) { keys[i] = s[(long)i * c + j]; order[i] = i; }
        Array.Sort(keys, order);
        double rankSumPositive = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            // ranks start+1 .. end (1-based) share their average
            double averageRank = (start + 1 + end) / 2.0;
            for (int t = start; t < end; t++)
                if (y[order[t]] == 1) rankSumPositive += averageRank;
            start = end;
        }
        double negatives = n - positives;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * negatives);
    }
}
