using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Common;

/// <summary>Finds and reports NaN/Inf in kernel inputs. Kernels never return numbers computed from
/// non-finite inputs: they check cheaply (outputs, or small inputs) and locate the culprit only on failure.</summary>
internal static class Finite
{
    /// <summary>Throws if any element of the [rows, cols] matrix is NaN or Inf, naming row and column.</summary>
    public static void RequireMatrix(ReadOnlySpan<float> m, int rows, int cols, string name)
    {
        for (int r = 0; r < rows; r++)
            RequireRow(m.Slice(r * cols, cols), r, name);
    }

    /// <summary>Throws if any element of the bfloat16 matrix [rows, cols] is NaN or Inf, naming row and column.</summary>
    public static void RequireMatrix(ReadOnlySpan<BFloat16> m, int cols, string name)
    {
        int bad = BFloat16.FirstNonFinite(m);
        if (bad >= 0) throw Error(name, bad / cols, bad % cols, (float)m[bad]);
    }

    /// <summary>Throws if the row has a non-finite element; <paramref name="row"/> is only used in the message.</summary>
    public static void RequireRow(ReadOnlySpan<float> row, int rowIndex, string name)
    {
        int c = FirstNonFinite(row);
        if (c >= 0) throw Error(name, rowIndex, c, row[c]);
    }

    /// <summary>Index of the first NaN/Inf in the span, or -1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        // x - x is 0 for finite x and NaN for NaN/Inf, so summing (x - x) flags any non-finite element
        // in one vectorised pass; the element is located only when a chunk is flagged.
        const int Chunk = 4096;
        for (int start = 0; start < values.Length; start += Chunk)
        {
            var part = values.Slice(start, Math.Min(Chunk, values.Length - start));
            if (ChunkIsFinite(part)) continue;
            for (int i = 0; i < part.Length; i++)
                if (!float.IsFinite(part[i])) return start + i;
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ChunkIsFinite(ReadOnlySpan<float> part)
    {
        var acc = Vector512<float>.Zero;
        int i = 0;
        ref float p0 = ref MemoryMarshal.GetReference(part);
        for (; i + 16 <= part.Length; i += 16)
        {
            var v = Vector512.LoadUnsafe(ref p0, (nuint)i);
            acc += v - v;
        }
        float tail = 0;
        for (; i < part.Length; i++) tail += part[i] - part[i];
        return Vector512.Sum(acc) == 0 && tail == 0;
    }

    public static MethodInputException Error(string name, int row, int column, float value)
        => new($"{name} contains {Describe(value)} at row {row}, column {column}; activations must be finite " +
               "(check the model run or the imported file).");

    public static string Describe(float value)
        => float.IsNaN(value) ? "NaN" : float.IsPositiveInfinity(value) ? "+Inf" : "-Inf";

    /// <summary>After a kernel: if output row <paramref name="outRow"/> is non-finite, locate the input element
    /// that caused it and throw; if the input is clean the weights were to blame.</summary>
    public static void RequireOutputs(ReadOnlySpan<float> outputs, int rows, int cols, ReadOnlySpan<float> x, int d, string name)
    {
        if (FirstNonFinite(outputs) < 0) return;
        for (int r = 0; r < rows; r++)
        {
            if (FirstNonFinite(outputs.Slice(r * cols, cols)) < 0) continue;
            RequireRow(x.Slice(r * d, d), r, name);
            throw new MethodInputException(
                $"Scores for row {r} of {name} overflowed to a non-finite value although the inputs are finite " +
                "(activations or weights too large for float32).");
        }
    }
}
