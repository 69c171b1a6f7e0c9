using System.Runtime.CompilerServices;
using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Models;

/// <summary>A linear layer y = x W^T + b with W stored [out, in] as in Hugging Face checkpoints, plus an optional
/// unmerged LoRA delta y += scale * (x A^T) B^T that each call may switch on or off.</summary>
public sealed class Linear
{
    /// <summary>The Hugging Face module name, e.g. "model.layers.0.self_attn.q_proj".</summary>
    public string Name { get; }
    public int In { get; }
    public int Out { get; }
    /// <summary>[Out, In] row-major.</summary>
    public float[] Weight { get; }
    public float[]? Bias { get; }
    /// <summary>Unmerged LoRA, when an adapter targets this layer and was not merged.</summary>
    public LoraDelta? Lora { get; internal set; }

    public Linear(string name, int @in, int @out, float[] weight, float[]? bias)
    {
        if (weight.Length != (long)@in * @out) throw new ArgumentException($"{name}: weight has {weight.Length} elements, expected {@out}x{@in}.");
        if (bias is not null && bias.Length != @out) throw new ArgumentException($"{name}: bias has {bias.Length} elements, expected {@out}.");
        Name = name; In = @in; Out = @out; Weight = weight; Bias = bias;
    }

    /// <summary>y[rows, Out] = x[rows, In] W^T + b (+ LoRA when <paramref name="useAdapter"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> x, int rows, Span<float> y, bool useAdapter)
    {
        Gemm.MultiplyTransposed(x[..(rows * In)], Weight, y[..(rows * Out)], rows, Out, In);
        if (Bias is not null)
            for (int r = 0; r < rows; r++)
                System.Numerics.Tensors.TensorPrimitives.Add(y.Slice(r * Out, Out), Bias, y.Slice(r * Out, Out));
        if (useAdapter && Lora is { } lora)
        {
            var t = new float[rows * lora.Rank];
            Gemm.MultiplyTransposed(x[..(rows * In)], lora.A, t, rows, lora.Rank, In);
            System.Numerics.Tensors.TensorPrimitives.Multiply(t, lora.Scale, t);
            Gemm.MultiplyTransposed(t, lora.B, y[..(rows * Out)], rows, Out, lora.Rank, accumulate: true);
        }
    }
}

/// <summary>A LoRA update delta W = Scale * B A with A [Rank, In] and B [Out, Rank] (PEFT lora_A / lora_B).</summary>
public sealed record LoraDelta(int Rank, float Scale, float[] A, float[] B);
