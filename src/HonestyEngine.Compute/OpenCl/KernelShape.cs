namespace HonestyEngine.Compute.OpenCl;

/// <summary>How row-wise kernels (projection scores) map work onto the device. The best shape differs by
/// device (shared/research/opencl-on-the-h100.md): on an H100 one work-group per row reached 3139 GB/s
/// while one row per work-item reached 968; on PoCL (CPU) the opposite, 59-73 GB/s vs 4.2.</summary>
public enum KernelShape
{
    /// <summary>One row per work-item with vload16 (CPU devices).</summary>
    RowPerWorkItem,
    /// <summary>One work-group per row with a local-memory reduction (GPUs).</summary>
    GroupPerRow,
}

public static class KernelShapes
{
    /// <summary>GPU: <see cref="KernelShape.GroupPerRow"/>; CPU and other devices: <see cref="KernelShape.RowPerWorkItem"/>.</summary>
    public static KernelShape For(OpenClDeviceInfo device) => device.IsGpu ? KernelShape.GroupPerRow : KernelShape.RowPerWorkItem;
}
