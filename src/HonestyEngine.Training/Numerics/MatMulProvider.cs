namespace HonestyEngine.Training.Numerics;

/// <summary>The GEMM the trainer uses unless told otherwise: the runtime's SGEMM. <see cref="SimpleMatMul"/>
/// stays as an independent reference for tests.</summary>
public static class MatMulProvider
{
    public static IMatMul Default { get; set; } = RuntimeMatMul.Instance;
}
