using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;

namespace HonestyEngine.Compute;

/// <summary>Creates the backend named by <c>--device cpu|cuda[:N]|opencl[:N]</c>: <c>cpu</c> is the SIMD CPU backend,
/// the others the ILGPU backend on that accelerator. <c>ilgpu-cpu</c> (ILGPU's CPU accelerator running the GPU kernels
/// in-process) is for tests and CI, not for use.</summary>
public static class ComputeBackendFactory
{
    private const string Expected = "expected cpu, cuda, cuda:N, opencl or opencl:N";

    /// <param name="device">"cpu" (default when null/empty), "cuda" / "opencl" (device 0) or "cuda:N" / "opencl:N".</param>
    /// <param name="warn">Receives one line when the test-only <c>ilgpu-cpu</c> accelerator is chosen.</param>
    /// <exception cref="ArgumentException">The name is not a device name, or the device is not present; the message is one
    /// line naming the device and listing what ILGPU sees.</exception>
    public static IActivationCompute Create(string? device, Action<string> warn)
    {
        string spec = string.IsNullOrWhiteSpace(device) ? "cpu" : device.Trim().ToLowerInvariant();
        if (spec == "cpu") return new CpuActivationCompute();
        if (spec == IlgpuDevices.CpuId)
        {
            warn($"{IlgpuDevices.CpuId} runs the GPU kernels on ILGPU's CPU accelerator (for tests); --device cpu is the fast CPU backend.");
            return new IlgpuActivationCompute(IlgpuDevices.CpuId);
        }
        return new IlgpuActivationCompute(Normalise(device!, spec));
    }

    /// <summary>"cuda" → "cuda:0", "opencl:2" → "opencl:2"; anything else is an error naming what is accepted.</summary>
    internal static string Normalise(string device, string spec)
    {
        foreach (var kind in new[] { "cuda", "opencl" })
        {
            if (spec == kind) return kind + ":0";
            if (!spec.StartsWith(kind + ":", StringComparison.Ordinal)) continue;
            if (int.TryParse(spec.AsSpan(kind.Length + 1), out int ordinal) && ordinal >= 0) return $"{kind}:{ordinal}";
            throw new ArgumentException($"Invalid device '{device}': {Expected}, with N a device number.");
        }
        throw new ArgumentException($"Unknown device '{device}': {Expected}.");
    }

    /// <summary>Human-readable list: the CPU backend, then every accelerator ILGPU sees (with the kernel shape it gets),
    /// and why there is no CUDA or OpenCL device where there is none.</summary>
    public static IReadOnlyList<string> ListDevices()
    {
        var lines = new List<string> { "cpu  " + new CpuActivationCompute().Name };
        lines.AddRange(IlgpuDevices.All.Select(d => d.Describe() + $" -> kernel shape {KernelShapes.For(d)}"));
        if (IlgpuDevices.CudaProblem is { } cuda) lines.Add($"cuda: none ({cuda})");
        if (IlgpuDevices.OpenClProblem is { } cl) lines.Add($"opencl: none ({cl})");
        return lines;
    }

    /// <summary>The accelerators ILGPU sees: CUDA and OpenCL devices, then its CPU accelerator.</summary>
    public static IReadOnlyList<IlgpuDeviceInfo> AcceleratorDevices => IlgpuDevices.All;
}
