using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Common;

/// <summary>Argument validation per operation, shared by the CPU and ILGPU backends.</summary>
internal static class ProjectionChecks
{
    public static void Validate(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores) =>
        Validate(x.Length, n, d, w, k, bias, scores);

    /// <param name="xLength">Length of x in elements, whatever its format (float32 or bfloat16).</param>
    public static void Validate(int xLength, int n, int d, ReadOnlySpan<float> w, int k, ReadOnlySpan<float> bias, Span<float> scores)
    {
        Shapes.NonNegative(n, nameof(n)); Shapes.Positive(d, nameof(d)); Shapes.Positive(k, nameof(k));
        Shapes.Matrix(xLength, n, d, "x");
        Shapes.Matrix(w.Length, k, d, nameof(w));
        if (!bias.IsEmpty) Shapes.Vector(bias.Length, k, nameof(bias));
        Shapes.Matrix(scores.Length, n, k, nameof(scores));
        Finite.RequireMatrix(w, k, d, "w (probe weights)");
        if (!bias.IsEmpty) Finite.RequireMatrix(bias, 1, k, "bias");
    }
}

internal static class GramChecks
{
    public static void Validate(int xLength, int n, int d, int gramLength)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        Shapes.Matrix(xLength, n, d, "x");
        Shapes.Matrix(gramLength, d, d, "gram");
    }
}

internal static class LogisticChecks
{
    /// <param name="scanX">false when the caller detects NaN/Inf in x from its first loss evaluation instead
    /// (at w = 0 every finite x gives the loss log 2 exactly, any NaN/Inf gives NaN) and locates it only then,
    /// saving a single-threaded pass over x on every fit.</param>
    public static void Validate(ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y, bool scanX = true)
    {
        ShapesAndLabels(x.Length, n, d, y);
        if (scanX) Finite.RequireMatrix(x, n, d, "x");
    }

    public static void Validate(ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y, bool scanX = true)
    {
        ShapesAndLabels(x.Length, n, d, y);
        if (scanX) Finite.RequireMatrix(x, d, "x");
    }

    private static void ShapesAndLabels(int xLength, int n, int d, ReadOnlySpan<float> y)
    {
        Shapes.Positive(n, nameof(n)); Shapes.Positive(d, nameof(d));
        Shapes.Matrix(xLength, n, d, "x");
        Shapes.Vector(y.Length, n, nameof(y));
        bool any0 = false, any1 = false;
        for (int i = 0; i < n; i++)
        {
            if (y[i] == 0) any0 = true;
            else if (y[i] == 1) any1 = true;
            else throw new ArgumentException($"y[{i}] is {y[i]}; logistic-regression labels must be 0 or 1.", nameof(y));
        }
        if (!any0 || !any1)
            throw new MethodInputException($"Logistic regression needs both classes; all {n} labels are {(any1 ? 1 : 0)}.");
    }
}

internal static class TopKChecks
{
    public static void Validate(ReadOnlySpan<float> queries, int q, int d, ReadOnlySpan<float> matrix, int v, int k, Span<int> indices, Span<float> values)
    {
        Shapes.Positive(q, nameof(q)); Shapes.Positive(d, nameof(d)); Shapes.Positive(v, nameof(v)); Shapes.Positive(k, nameof(k));
        if (k > v) throw new ArgumentException($"k = {k} exceeds the number of matrix rows v = {v}.", nameof(k));
        Shapes.Matrix(queries.Length, q, d, nameof(queries));
        Shapes.Matrix(matrix.Length, v, d, nameof(matrix));
        Shapes.Matrix(indices.Length, q, k, nameof(indices));
        Shapes.Matrix(values.Length, q, k, nameof(values));
        Finite.RequireMatrix(queries, q, d, "queries");
    }
}
