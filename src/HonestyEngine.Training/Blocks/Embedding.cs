using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Blocks;

/// <summary>Token embedding lookup and its backward pass (a scatter-add into the table).</summary>
public static class Embedding
{
    public static void Forward(float[] table, int[] tokens, int rows, int d, float[] output)
    {
        ParallelRows.For(rows, d, r => table.AsSpan(tokens[r] * d, d).CopyTo(output.AsSpan(r * d, d)));
    }

    /// <summary>dTable[token] += dOutput[row] in row order (rows sharing a token add up deterministically).</summary>
    public static void Backward(float[] dOutput, int[] tokens, int rows, int d, float[] dTable)
    {
        for (int r = 0; r < rows; r++)
        {
            var dst = dTable.AsSpan(tokens[r] * d, d);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, dOutput.AsSpan(r * d, d), dst);
        }
    }
}
