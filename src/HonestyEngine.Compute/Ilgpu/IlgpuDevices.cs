using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace HonestyEngine.Compute.Ilgpu;

/// <summary>One accelerator ILGPU can run the kernels on, named as <c>--device</c> names it: <c>cuda:N</c>,
/// <c>opencl:N</c>, or <c>ilgpu-cpu</c> (ILGPU's in-process CPU accelerator, for tests).</summary>
public sealed record IlgpuDeviceInfo(string Id, string Name, AcceleratorType Type, bool IsGpu, long MemoryBytes, string Detail)
{
    internal Device Device { get; init; } = null!;

    public string Describe() => $"{Id}  {Name} [{Detail}]" + (MemoryBytes > 0 ? $", {MemoryBytes / (1 << 20)} MiB" : "");
}

/// <summary>The accelerators ILGPU sees in this process, from one ILGPU context created at first use. Absent drivers
/// are not errors: a machine without libcuda has no CUDA device, one without an OpenCL ICD loader (or with only
/// devices ILGPU does not support, such as PoCL's CPU device) has no OpenCL device, and the lists say why.</summary>
public static class IlgpuDevices
{
    /// <summary>The CPU accelerator's simulated device: warps of 4 threads, 4 warps per group, one multiprocessor
    /// (ILGPU's <see cref="CPUDevice.Default"/>). Warp-wide shuffles and group barriers run as they would on a GPU, on
    /// 16 threads; small warps keep each shuffle step cheap enough for the kernel tests.</summary>
    internal static CPUDevice CpuDevice => CPUDevice.Default;

    public const string CpuId = "ilgpu-cpu";

    private static readonly Lazy<State> Shared = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static Context Context => Shared.Value.Context;

    /// <summary>Every accelerator: CUDA devices, then OpenCL devices, then the CPU accelerator.</summary>
    public static IReadOnlyList<IlgpuDeviceInfo> All => Shared.Value.Devices;

    /// <summary>Why there is no CUDA device (null when there is one).</summary>
    public static string? CudaProblem => Shared.Value.CudaProblem;

    /// <summary>Why there is no OpenCL device (null when there is one).</summary>
    public static string? OpenClProblem => Shared.Value.OpenClProblem;

    public static IlgpuDeviceInfo? Find(string id) => All.FirstOrDefault(d => d.Id == id);

    /// <summary>One line: the device asked for is not present, and what ILGPU sees instead.</summary>
    public static string NotPresent(string id)
    {
        var seen = All.Select(d => $"{d.Id} ({d.Name})").ToList();
        if (CudaProblem is { } cuda) seen.Add($"no CUDA device: {cuda}");
        if (OpenClProblem is { } cl) seen.Add($"no OpenCL device: {cl}");
        return $"Device '{id}' is not present. ILGPU sees: {string.Join("; ", seen)}. (--device cpu is the SIMD CPU backend.)";
    }

    private sealed record State(Context Context, IReadOnlyList<IlgpuDeviceInfo> Devices, string? CudaProblem, string? OpenClProblem);

    private static State Create()
    {
        var context = Context.Create(builder => builder.CPU(CpuDevice).Cuda().OpenCL().EnableAlgorithms());
        var list = new List<IlgpuDeviceInfo>();
        var cudaDevices = context.GetCudaDevices();
        for (int i = 0; i < cudaDevices.Count; i++)
        {
            var d = cudaDevices[i];
            list.Add(new IlgpuDeviceInfo($"cuda:{i}", d.Name, AcceleratorType.Cuda, true, d.MemorySize,
                $"GPU, CUDA, sm_{d.Architecture?.Major}{d.Architecture?.Minor}, {d.NumMultiprocessors} SMs") { Device = d });
        }
        var clDevices = context.GetCLDevices();
        for (int i = 0; i < clDevices.Count; i++)
        {
            var d = clDevices[i];
            bool gpu = d.DeviceType == CLDeviceType.CL_DEVICE_TYPE_GPU;
            list.Add(new IlgpuDeviceInfo($"opencl:{i}", d.Name, AcceleratorType.OpenCL, gpu, d.MemorySize,
                $"{(gpu ? "GPU" : d.DeviceType == CLDeviceType.CL_DEVICE_TYPE_CPU ? "CPU" : "other")}, OpenCL on {d.PlatformName}") { Device = d });
        }
        var cpu = context.GetCPUDevices();
        if (cpu.Count > 0)
            list.Add(new IlgpuDeviceInfo(CpuId, "CPU accelerator", AcceleratorType.CPU, false, 0,
                $"ILGPU's in-process simulator, {cpu[0].WarpSize}-thread warps, for tests") { Device = cpu[0] });
        string? cudaProblem = cudaDevices.Count > 0 ? null
            : NativeLibrary.TryLoad("libcuda.so.1", out var h1) ? Free(h1, "the driver (libcuda) reports no device ILGPU supports")
            : "libcuda.so.1 is not installed (no NVIDIA driver)";
        string? clProblem = clDevices.Count > 0 ? null
            : NativeLibrary.TryLoad("libOpenCL.so.1", out var h2) ? Free(h2, "libOpenCL.so.1 loads, but ILGPU supports none of the devices its platforms list")
            : "the OpenCL ICD loader libOpenCL.so.1 is not installed";
        return new State(context, list, cudaProblem, clProblem);
    }

    private static string Free(nint handle, string message)
    {
        NativeLibrary.Free(handle);
        return message;
    }
}
