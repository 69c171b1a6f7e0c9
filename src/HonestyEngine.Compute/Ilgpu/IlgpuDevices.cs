using System.Reflection;
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
        ResolveVersionedDriverLibraries();
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
            : ResolveDriverLibrary("cuda", typeof(Context).Assembly, null) is var h1 and not 0
                ? Free(h1, "the NVIDIA driver (libcuda) loads, but ILGPU finds no device it supports")
                : "libcuda.so.1 is not installed (no NVIDIA driver)";
        string? clProblem = clDevices.Count > 0 ? null
            : ResolveDriverLibrary("OpenCL", typeof(Context).Assembly, null) is var h2 and not 0
                ? Free(h2, UnsupportedOpenClDevices())
                : "the OpenCL ICD loader libOpenCL.so.1 is not installed";
        return new State(context, list, cudaProblem, clProblem);
    }

    /// <summary>ILGPU binds the CUDA driver as "cuda" and the OpenCL ICD loader as "OpenCL", which .NET looks up as
    /// libcuda.so and libOpenCL.so: the unversioned names that only development packages install. A driver install has
    /// libcuda.so.1 and Debian's ocl-icd-libopencl1 has libOpenCL.so.1 (no libOpenCL.so on this machine, 2026-12-08), so
    /// without this ILGPU sees neither. The resolver tries the unversioned name, then the versioned one, then the
    /// versioned one next to the executable. Not on WSL, where ILGPU installs its own resolver for libcuda (an assembly
    /// takes one).</summary>
    private static void ResolveVersionedDriverLibraries()
    {
        if (IsWsl()) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, ResolveDriverLibrary);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set (by ILGPU or by the host): leave it.
        }
    }

    private static nint ResolveDriverLibrary(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        string? versioned = name switch { "cuda" => "libcuda.so.1", "OpenCL" => "libOpenCL.so.1", _ => null };
        if (versioned is null) return 0;
        foreach (var candidate in new[] { $"lib{name}.so", versioned, Path.Combine(AppContext.BaseDirectory, versioned) })
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        return 0;
    }

    private static bool IsWsl()
    {
        try
        {
            return File.ReadAllText("/proc/version").Contains("microsoft", StringComparison.OrdinalIgnoreCase)
                   && Directory.Exists("/usr/lib/wsl/lib");
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Why ILGPU lists none of the OpenCL devices the platforms report: its OpenCL backend takes devices with
    /// OpenCL C 2.0 or later and the generic address space (ILGPU's default OpenCL predicate).</summary>
    private static string UnsupportedOpenClDevices()
    {
        var all = CLDevice.GetDevices(_ => true).OfType<CLDevice>()
            .Select(d => $"'{d.Name}' on {d.PlatformName} ({d.CLStdVersion}, generic address space: {(d.Capabilities.GenericAddressSpace ? "yes" : "no")})")
            .ToList();
        return all.Count == 0
            ? "the OpenCL ICD loader loads, but no platform lists a device"
            : $"ILGPU's OpenCL backend needs OpenCL C {ILGPU.Backends.OpenCL.CLBackend.MinimumVersion}+ with the generic address space, which rules out {string.Join(", ", all)}";
    }

    private static string Free(nint handle, string message)
    {
        NativeLibrary.Free(handle);
        return message;
    }
}
