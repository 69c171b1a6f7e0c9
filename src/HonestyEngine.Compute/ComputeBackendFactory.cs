using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.OpenCl;

namespace HonestyEngine.Compute;

/// <summary>Creates the backend named by <c>--device cpu|opencl[:N]</c>.</summary>
public static class ComputeBackendFactory
{
    private static int _warnedNoOpenCl;

    /// <param name="device">"cpu" (default when null/empty), "opencl" (device 0) or "opencl:N".</param>
    /// <param name="warn">Receives one line when OpenCL was asked for but no platform exists (said once per
    /// process); the CPU backend is returned instead.</param>
    public static IActivationCompute Create(string? device, Action<string> warn)
        => Create(device, warn, OpenClPlatforms.Devices, OpenClPlatforms.Problem);

    /// <summary>As <see cref="Create(string?, Action{string})"/> with the device list given (tests simulate a
    /// machine without OpenCL).</summary>
    internal static IActivationCompute Create(string? device, Action<string> warn, IReadOnlyList<OpenClDeviceInfo> devices, string? problem)
    {
        string spec = string.IsNullOrWhiteSpace(device) ? "cpu" : device.Trim().ToLowerInvariant();
        if (spec == "cpu") return new CpuActivationCompute();
        if (spec == "opencl" || spec.StartsWith("opencl:", StringComparison.Ordinal))
        {
            int ordinal = 0;
            if (spec.Length > 6 && (!int.TryParse(spec.AsSpan(7), out ordinal) || ordinal < 0))
                throw new ArgumentException($"Invalid device '{device}': expected cpu, opencl or opencl:N with N a device number.");
            if (devices.Count == 0)
            {
                if (Interlocked.Exchange(ref _warnedNoOpenCl, 1) == 0)
                    warn($"OpenCL requested ({device}) but {problem}; using the CPU backend.");
                return new CpuActivationCompute();
            }
            return new OpenClActivationCompute(ordinal);
        }
        throw new ArgumentException($"Unknown device '{device}': expected cpu, opencl or opencl:N.");
    }

    /// <summary>Human-readable list: the CPU backend, then every OpenCL device with its number,
    /// or the reason there is none.</summary>
    public static IReadOnlyList<string> ListDevices()
    {
        var lines = new List<string> { "cpu  " + new CpuActivationCompute().Name };
        var devices = OpenClPlatforms.Devices;
        if (devices.Count == 0) lines.Add($"opencl: none ({OpenClPlatforms.Problem})");
        else lines.AddRange(devices.Select(d => d.Describe() + $" -> kernel shape {KernelShapes.For(d)}"));
        return lines;
    }

    /// <summary>The OpenCL devices found (empty when there is no platform).</summary>
    public static IReadOnlyList<OpenClDeviceInfo> OpenClDevices => OpenClPlatforms.Devices;
}
