using static HonestyEngine.Compute.OpenCl.OpenClNative;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>One OpenCL device as listed by <c>--device opencl:N</c>: N is its position over all platforms.</summary>
public sealed record OpenClDeviceInfo(int Ordinal, string Platform, string Name, string Vendor, bool IsGpu, bool IsCpu,
                                      int ComputeUnits, long GlobalMemoryBytes, long MaxAllocationBytes)
{
    internal nint PlatformHandle { get; init; }
    internal nint DeviceHandle { get; init; }

    public string Describe() => $"opencl:{Ordinal}  {Name} [{(IsGpu ? "GPU" : IsCpu ? "CPU" : "other")}] on {Platform}, " +
                                $"{ComputeUnits} compute units, {GlobalMemoryBytes / (1 << 20)} MiB";
}

/// <summary>Enumerates OpenCL devices through the ICD loader. No loader installed, or no platform
/// registered, both mean "no OpenCL here": an empty list plus the reason, never an exception.</summary>
internal static unsafe class OpenClPlatforms
{
    private static readonly Lazy<(IReadOnlyList<OpenClDeviceInfo> Devices, string? Problem)> Cache = new(Enumerate);

    public static IReadOnlyList<OpenClDeviceInfo> Devices => Cache.Value.Devices;

    /// <summary>Why there are no devices (null when there are some).</summary>
    public static string? Problem => Cache.Value.Problem;

    private static (IReadOnlyList<OpenClDeviceInfo>, string?) Enumerate()
    {
        var list = new List<OpenClDeviceInfo>();
        uint count;
        try
        {
            int err = clGetPlatformIDs(0, null, &count);
            if (err == CL_PLATFORM_NOT_FOUND_KHR || count == 0)
                return (list, "no OpenCL platform is registered (no ICD in /etc/OpenCL/vendors or $OCL_ICD_VENDORS)");
            Check(err, "clGetPlatformIDs");
        }
        catch (DllNotFoundException)
        {
            return (list, "the OpenCL ICD loader libOpenCL.so.1 is not installed (Debian: ocl-icd-libopencl1)");
        }
        var platforms = new nint[count];
        fixed (nint* p = platforms) Check(clGetPlatformIDs(count, p, null), "clGetPlatformIDs");
        foreach (var platform in platforms)
        {
            string platformName = PlatformString(platform, CL_PLATFORM_NAME);
            uint nd;
            int err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, &nd);
            if (err == CL_DEVICE_NOT_FOUND || nd == 0) continue;
            Check(err, "clGetDeviceIDs");
            var devices = new nint[nd];
            fixed (nint* d = devices) Check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, nd, d, null), "clGetDeviceIDs");
            foreach (var device in devices)
            {
                ulong type = DeviceValue<ulong>(device, CL_DEVICE_TYPE);
                list.Add(new OpenClDeviceInfo(list.Count, platformName, DeviceString(device, CL_DEVICE_NAME),
                    DeviceString(device, CL_DEVICE_VENDOR), (type & CL_DEVICE_TYPE_GPU) != 0, (type & CL_DEVICE_TYPE_CPU) != 0,
                    (int)DeviceValue<uint>(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                    (long)DeviceValue<ulong>(device, CL_DEVICE_GLOBAL_MEM_SIZE),
                    (long)DeviceValue<ulong>(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE))
                { PlatformHandle = platform, DeviceHandle = device });
            }
        }
        return (list, list.Count == 0 ? "OpenCL platforms exist but expose no device" : null);
    }
}
