namespace HonestyEngine.Training.Numerics;

/// <summary>The GEMM the trainer uses unless told otherwise.</summary>
public static class MatMulProvider
{
    public static IMatMul Default { get; set; } = SimpleMatMul.Instance;
}
