using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;

namespace HonestyEngine.Compute.Ilgpu;

/// <summary>One accelerator and its loaded kernels. One instance per device lives for the whole process
/// (<see cref="For"/>), so each kernel is compiled once per device (and per specialisation) at its first launch.
/// Launches go to the accelerator's default stream; callers hold <see cref="Sync"/> around a sequence of uploads,
/// launches and read-backs, since one stream serves every backend instance on the device.</summary>
internal sealed class IlgpuAccelerator
{
    private static readonly ConcurrentDictionary<string, Lazy<IlgpuAccelerator>> Accelerators = new();

    public IlgpuDeviceInfo Info { get; }
    public Accelerator Accelerator { get; }
    public object Sync { get; } = new();

    /// <summary>Threads per group for the explicitly grouped kernels: whole warps, at most 256.</summary>
    public int GroupSize { get; }

    /// <summary>Tile edge of the shared-memory Gram kernel: the largest power of two whose square fits a group, at most 16.</summary>
    public int GramTile { get; }

    private readonly Lazy<Action<Index1D, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>>> _projectRowsF32;
    private readonly Lazy<Action<Index1D, ArrayView<ushort>, int, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>>> _projectRowsBf16;
    private readonly Lazy<Action<KernelConfig, ArrayView<float>, int, int, ArrayView<float>, int, int, SpecializedValue<int>, ArrayView<float>, int, ArrayView<float>>> _projectWarpsF32;
    private readonly Lazy<Action<KernelConfig, ArrayView<ushort>, int, int, ArrayView<float>, int, int, SpecializedValue<int>, ArrayView<float>, int, ArrayView<float>>> _projectWarpsBf16;
    private readonly Lazy<Action<Index1D, ArrayView<float>, int, int, ArrayView<float>, int, ArrayView<float>>> _xtF32;
    private readonly Lazy<Action<Index1D, ArrayView<ushort>, int, int, ArrayView<float>, int, ArrayView<float>>> _xtBf16;
    private readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<double>>> _residual;
    private readonly Lazy<Action<Index1D, ArrayView<float>, int, ArrayView<float>>> _rowNorms;
    private readonly Lazy<Action<Index1D, ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>>> _gramEntries;
    private readonly Lazy<Action<KernelConfig, ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, int, int>> _gramTiles;

    private IlgpuAccelerator(IlgpuDeviceInfo info)
    {
        Info = info;
        var a = Accelerator = info.Device.CreateAccelerator(IlgpuDevices.Context);
        int warp = a.WarpSize;
        GroupSize = Math.Max(warp, Math.Min(256, a.MaxNumThreadsPerGroup) / warp * warp);
        int tile = 1;
        while (tile < 16 && (tile * 2) * (tile * 2) <= a.MaxNumThreadsPerGroup) tile *= 2;
        GramTile = tile;
        _projectRowsF32 = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.ProjectRows<float, Float32Format>));
        _projectRowsBf16 = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ushort>, int, ArrayView<float>, int, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.ProjectRows<ushort, BFloat16Format>));
        _projectWarpsF32 = new(() => a.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<float>, int, int, SpecializedValue<int>, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.ProjectWarps<float, Float32Format>));
        _projectWarpsBf16 = new(() => a.LoadStreamKernel<ArrayView<ushort>, int, int, ArrayView<float>, int, int, SpecializedValue<int>, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.ProjectWarps<ushort, BFloat16Format>));
        _xtF32 = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.XtVectorPartial<float, Float32Format>));
        _xtBf16 = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ushort>, int, int, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.XtVectorPartial<ushort, BFloat16Format>));
        _residual = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<double>>(IlgpuKernels.LogisticResidual));
        _rowNorms = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(IlgpuKernels.RowSquaredNorms));
        _gramEntries = new(() => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>>(IlgpuKernels.GramEntries));
        _gramTiles = new(() => a.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, int, int>(IlgpuKernels.GramTiles));
    }

    public static IlgpuAccelerator For(IlgpuDeviceInfo info)
        => Accelerators.GetOrAdd(info.Id, _ => new Lazy<IlgpuAccelerator>(() => new IlgpuAccelerator(info))).Value;

    // ---- buffers ----

    public MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var buffer = Allocate<T>(data.Length);
        if (!data.IsEmpty) ((ArrayView<T>)buffer.View).SubView(0, data.Length).CopyFromCPU(data);
        return buffer;
    }

    /// <summary>A buffer of at least one element (zero-length buffers are not valid on every accelerator).</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length) where T : unmanaged
        => Accelerator.Allocate1D<T>(Math.Max(1, length));

    /// <summary>Copies the first destination.Length elements back, after the kernels queued before it.</summary>
    public void Download<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, Span<T> destination) where T : unmanaged
    {
        if (destination.IsEmpty) return;
        ((ArrayView<T>)buffer.View).SubView(0, destination.Length).CopyToCPU(destination);
        Accelerator.Synchronize();
    }

    public void Synchronize() => Accelerator.Synchronize();

    // ---- launches (callers hold Sync) ----

    /// <summary>scores[n, k] = x w^T (+ bias), float32 x.</summary>
    public void Project(KernelShape shape, ArrayView<float> x, int n, int d, ArrayView<float> w, int k, ArrayView<float> bias, bool hasBias, ArrayView<float> scores)
    {
        if (n == 0) return;
        if (shape == KernelShape.RowPerThread) _projectRowsF32.Value(n, x, d, w, k, bias, hasBias ? 1 : 0, scores);
        else
            foreach (var (config, p0, panel) in WarpPanels(n, k))
                _projectWarpsF32.Value(config, x, n, d, w, k, p0, SpecializedValue.New(panel), bias, hasBias ? 1 : 0, scores);
    }

    /// <summary>scores[n, k] = x w^T (+ bias), bfloat16 x (its 16 bits per element).</summary>
    public void Project(KernelShape shape, ArrayView<ushort> x, int n, int d, ArrayView<float> w, int k, ArrayView<float> bias, bool hasBias, ArrayView<float> scores)
    {
        if (n == 0) return;
        if (shape == KernelShape.RowPerThread) _projectRowsBf16.Value(n, x, d, w, k, bias, hasBias ? 1 : 0, scores);
        else
            foreach (var (config, p0, panel) in WarpPanels(n, k))
                _projectWarpsBf16.Value(config, x, n, d, w, k, p0, SpecializedValue.New(panel), bias, hasBias ? 1 : 0, scores);
    }

    /// <summary>One launch per panel of up to <see cref="IlgpuKernels.PanelProbes"/> probes; one warp per pair of rows.</summary>
    private IEnumerable<(KernelConfig Config, int P0, int Panel)> WarpPanels(int n, int k)
    {
        int warpsPerGroup = GroupSize / Accelerator.WarpSize;
        long pairs = (n + 1L) / 2;
        int groups = checked((int)((pairs + warpsPerGroup - 1) / warpsPerGroup));
        var config = new KernelConfig(groups, GroupSize);
        for (int p0 = 0; p0 < k; p0 += IlgpuKernels.PanelProbes)
            yield return (config, p0, Math.Min(IlgpuKernels.PanelProbes, k - p0));
    }

    /// <summary>partial[s, j] = sum over slice s of x[i, j] r[i] (slices of <paramref name="rowsPerSlice"/> rows).</summary>
    public void XtVector(ArrayView<float> x, int n, int d, ArrayView<float> r, int slices, int rowsPerSlice, ArrayView<float> partial)
        => _xtF32.Value(checked(slices * d), x, n, d, r, rowsPerSlice, partial);

    public void XtVector(ArrayView<ushort> x, int n, int d, ArrayView<float> r, int slices, int rowsPerSlice, ArrayView<float> partial)
        => _xtBf16.Value(checked(slices * d), x, n, d, r, rowsPerSlice, partial);

    public void Residual(ArrayView<float> z, ArrayView<float> y, int n, float b, ArrayView<float> r, ArrayView<double> loss)
        => _residual.Value(n, z, y, b, r, loss);

    public void RowSquaredNorms(ArrayView<float> x, int n, int d, ArrayView<float> norms) => _rowNorms.Value(n, x, d, norms);

    /// <summary>The upper triangle (i &lt;= j) of the centred Gram matrix into g[d, d].</summary>
    public void GramUpper(KernelShape shape, ArrayView<float> x, int n, int d, ArrayView<float> mean, ArrayView<float> g)
    {
        if (shape == KernelShape.RowPerThread)
        {
            _gramEntries.Value(checked(d * d), x, n, d, mean, g);
            return;
        }
        int ts = GramTile, tiles = (d + ts - 1) / ts;
        var shared = SharedMemoryConfig.RequestDynamic<float>(2 * IlgpuKernels.GramChunkRows * ts);
        _gramTiles.Value(new KernelConfig(checked(tiles * tiles), ts * ts, shared), x, n, d, mean, g, tiles, ts);
    }
}
