namespace HonestyEngine.Compute.Ilgpu;

/// <summary>How row-wise kernels (projection scores, Gram tiles) map work onto an accelerator. The best shape differs
/// by device (shared/research/opencl-on-the-h100.md): on an H100 one work-group per row reached 3139 GB/s where one row
/// per work-item reached 968; on PoCL (CPU) the opposite, 59-73 GB/s against 4.2.</summary>
public enum KernelShape
{
    /// <summary>One row per thread; Gram entries one per thread (CPU-like devices, ILGPU's CPU accelerator).</summary>
    RowPerThread,
    /// <summary>One warp per pair of rows with a shuffle reduction; Gram tiles through shared memory (GPUs).</summary>
    WarpPerRow,
}

public static class KernelShapes
{
    /// <summary>GPU: <see cref="KernelShape.WarpPerRow"/>; CPU and other devices: <see cref="KernelShape.RowPerThread"/>.</summary>
    public static KernelShape For(IlgpuDeviceInfo device) => device.IsGpu ? KernelShape.WarpPerRow : KernelShape.RowPerThread;
}
