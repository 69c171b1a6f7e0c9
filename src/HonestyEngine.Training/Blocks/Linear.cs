using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;
using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training.Blocks;

/// <summary>nn.Linear without bias (y = x W^T, W [out, in]) plus an optional PEFT LoRA branch
/// y += scale * (x A^T) B^T. Gradients go to whichever of W, A, B are trainable.</summary>
public static class Linear
{
    /// <param name="xa">saved x A^T [rows, r] for the backward pass (LoRA only)</param>
    public static void Forward(IMatMul mm, float[] x, int rows, ParameterTensor w, LoraPair? lora, float[] y, float[]? xa)
    {
        int outF = w.Rows, inF = w.Cols;
        mm.Gemm(false, true, rows, outF, inF, 1f, x.AsSpan(0, rows * inF), inF, w.Value, inF, 0f, y.AsSpan(0, rows * outF), outF);
        if (lora is null) return;
        int r = lora.Rank;
        if (xa is null) throw new ArgumentNullException(nameof(xa), "LoRA forward needs a buffer for x A^T.");
        mm.Gemm(false, true, rows, r, inF, 1f, x.AsSpan(0, rows * inF), inF, lora.A.Value, inF, 0f, xa.AsSpan(0, rows * r), r);
        mm.Gemm(false, true, rows, outF, r, lora.Scale, xa.AsSpan(0, rows * r), r, lora.B.Value, r, 1f, y.AsSpan(0, rows * outF), outF);
    }

    /// <summary>dx (= or +=) dy W (+ scale * (dy B) A); dW += dy^T x; dB += scale * dy^T xa; dA += scale * (dy B)^T x.</summary>
    /// <param name="scratch">at least rows * r floats (LoRA only)</param>
    public static void Backward(IMatMul mm, float[] dy, float[] x, int rows, ParameterTensor w, LoraPair? lora, float[]? xa,
        float[] dx, bool accumulateDx, float[]? scratch)
    {
        int outF = w.Rows, inF = w.Cols;
        var dySpan = dy.AsSpan(0, rows * outF);
        var xSpan = x.AsSpan(0, rows * inF);
        mm.Gemm(false, false, rows, inF, outF, 1f, dySpan, outF, w.Value, inF, accumulateDx ? 1f : 0f, dx.AsSpan(0, rows * inF), inF);
        if (w.Grad is not null)
            mm.Gemm(true, false, outF, inF, rows, 1f, dySpan, outF, xSpan, inF, 1f, w.Grad, inF);
        if (lora is null) return;
        int r = lora.Rank;
        if (xa is null || scratch is null) throw new ArgumentNullException(nameof(xa), "LoRA backward needs the saved x A^T and a scratch buffer.");
        var dyB = scratch.AsSpan(0, rows * r);
        mm.Gemm(false, false, rows, r, outF, 1f, dySpan, outF, lora.B.Value, r, 0f, dyB, r);
        if (lora.B.Grad is not null)
            mm.Gemm(true, false, outF, r, rows, lora.Scale, dySpan, outF, xa.AsSpan(0, rows * r), r, 1f, lora.B.Grad, r);
        if (lora.A.Grad is not null)
            mm.Gemm(true, false, r, inF, rows, lora.Scale, dyB, r, xSpan, inF, 1f, lora.A.Grad, inF);
        mm.Gemm(false, false, rows, inF, r, lora.Scale, dyB, r, lora.A.Value, inF, 1f, dx.AsSpan(0, rows * inF), inF);
    }
}
