namespace HonestyEngine.Abstractions;

/// <summary>A dense row-major float32 tensor: the exchange type between the runtime, the activation
/// store and the methods. Deliberately minimal; the kernels work on spans of <see cref="Data"/>.</summary>
public sealed class Tensor
{
    public int[] Shape { get; }
    public float[] Data { get; }

    public Tensor(int[] shape, float[]? data = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new ArgumentException($"Negative dimension in shape [{string.Join(", ", shape)}].");
            n *= s;
        }
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of shape [{string.Join(", ", shape)}] is too large.");
        Shape = (int[])shape.Clone();
        if (data is not null && data.Length != n)
            throw new ArgumentException($"Data length {data.Length} does not match shape [{string.Join(", ", shape)}] ({n} elements).");
        Data = data ?? new float[n];
    }

    public int Rank => Shape.Length;
    public int Length => Data.Length;
    /// <summary>Number of rows when viewed as a matrix [Shape[0], rest].</summary>
    public int Rows => Shape.Length == 0 ? 1 : Shape[0];
    /// <summary>Elements per row when viewed as a matrix [Shape[0], rest].</summary>
    public int RowLength => Shape.Length == 0 ? 1 : (Shape[0] == 0 ? 0 : Data.Length / Shape[0]);

    public Span<float> Row(int i) => Data.AsSpan(i * RowLength, RowLength);
    public ReadOnlySpan<float> ReadRow(int i) => Data.AsSpan(i * RowLength, RowLength);

    public static Tensor Matrix(int rows, int cols) => new([rows, cols]);
    public static Tensor FromRows(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0) return new Tensor([0, 0]);
        int d = rows[0].Length;
        var t = new Tensor([rows.Count, d]);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d) throw new ArgumentException($"Row {i} has length {rows[i].Length}, expected {d}.");
            rows[i].CopyTo(t.Row(i));
        }
        return t;
    }

    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}]";
}
