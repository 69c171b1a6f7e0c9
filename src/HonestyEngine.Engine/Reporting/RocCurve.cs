namespace HonestyEngine.Engine.Reporting;

/// <summary>ROC curve of detector scores (lies = positives, honest = negatives): one point per distinct score
/// threshold, from (0,0) to (1,1), ties moving diagonally (the same curve scikit-learn's roc_curve traces).</summary>
public static class RocCurve
{
    /// <summary>At most this many points are drawn; longer curves keep evenly spaced points and both ends.</summary>
    public const int MaxPoints = 400;

    public static IReadOnlyList<(double Fpr, double Tpr)> Compute(ReadOnlySpan<double> lies, ReadOnlySpan<double> honest)
    {
        if (lies.IsEmpty || honest.IsEmpty) throw new ArgumentException("ROC needs at least one lie and one honest sample.");
        int total = lies.Length + honest.Length;
        var scores = new double[total];
        var isLie = new bool[total];
        lies.CopyTo(scores);
        honest.CopyTo(scores.AsSpan(lies.Length));
        isLie.AsSpan(0, lies.Length).Fill(true);
        Array.Sort(scores, isLie);

        var points = new List<(double, double)> { (0, 0) };
        int tp = 0, fp = 0;
        for (int k = total - 1; k >= 0; k--) // descending score: lower the threshold one tie group at a time
        {
            if (isLie[k]) tp++; else fp++;
            if (k == 0 || scores[k - 1] != scores[k])
                points.Add(((double)fp / honest.Length, (double)tp / lies.Length));
        }
        return Thin(points);
    }

    private static List<(double, double)> Thin(List<(double, double)> points)
    {
        if (points.Count <= MaxPoints) return points;
        var thin = new List<(double, double)>(MaxPoints);
        double step = (points.Count - 1) / (double)(MaxPoints - 1);
        for (int i = 0; i < MaxPoints; i++) thin.Add(points[(int)Math.Round(i * step)]);
        return thin;
    }
}
