namespace HonestyEngine.Training.Model;

/// <summary>One named parameter (HF name, row-major shape; linear weights are [out, in] like
/// nn.Linear) with its gradient buffer. The gradient exists only while the parameter is trainable.</summary>
public sealed class ParameterTensor
{
    public string Name { get; }
    public int[] Shape { get; }
    public float[] Value { get; }
    public float[]? Grad { get; private set; }
    public bool Trainable => Grad is not null;
    /// <summary>Matrices are decayed by AdamW; norm gains are not (as in most LLM recipes).</summary>
    public bool IsMatrix => Shape.Length == 2;

    public ParameterTensor(string name, int[] shape, float[]? value = null)
    {
        long n = 1;
        foreach (int s in shape) n *= s;
        if (value is not null && value.Length != n)
            throw new ArgumentException($"Parameter '{name}': {value.Length} values for shape [{string.Join(", ", shape)}].");
        Name = name;
        Shape = shape;
        Value = value ?? new float[n];
    }

    public int Length => Value.Length;
    public int Rows => Shape[0];
    public int Cols => Shape.Length == 2 ? Shape[1] : 1;

    public void SetTrainable(bool trainable) => Grad = trainable ? (Grad ?? new float[Value.Length]) : null;
    public void ZeroGrad() { if (Grad is not null) Array.Clear(Grad); }

    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
