using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using static HonestyEngine.Compute.OpenCl.OpenClNative;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>Context, queue and built programs of one device. One instance per device lives for the
/// whole process (<see cref="For"/>), so each kernel source is compiled once per device and run
/// (PoCL takes ~100 ms to build, NVIDIA ~400 ms cold).</summary>
internal sealed unsafe class OpenClContext
{
    private static readonly ConcurrentDictionary<int, Lazy<OpenClContext>> Contexts = new();
    private readonly ConcurrentDictionary<string, nint> _programs = new();
    private readonly ConcurrentDictionary<string, nint> _kernels = new();

    public OpenClDeviceInfo Device { get; }
    public nint Context { get; }
    public nint Queue { get; }
    /// <summary>Serialises kernel-argument setting and enqueueing: OpenCL kernel objects are not thread-safe.</summary>
    public object Sync { get; } = new();

    private OpenClContext(OpenClDeviceInfo device)
    {
        Device = device;
        nint dev = device.DeviceHandle;
        int err;
        Context = clCreateContext(null, 1, &dev, 0, 0, &err);
        Check(err, "clCreateContext");
        try
        {
            Queue = clCreateCommandQueueWithProperties(Context, dev, null, &err);
        }
        catch (EntryPointNotFoundException)
        {   // OpenCL 1.2 loaders lack the 2.0 entry point
            Queue = clCreateCommandQueue(Context, dev, 0, &err);
        }
        Check(err, "clCreateCommandQueueWithProperties");
    }

    public static OpenClContext For(OpenClDeviceInfo device)
        => Contexts.GetOrAdd(device.Ordinal, _ => new Lazy<OpenClContext>(() => new OpenClContext(device))).Value;

    /// <summary>The kernel <paramref name="kernel"/> from the embedded program Kernels/<paramref name="program"/>.cl.</summary>
    public nint Kernel(string program, string kernel)
    {
        return _kernels.GetOrAdd(program + "/" + kernel, _ =>
        {
            nint prog = _programs.GetOrAdd(program, name => Build(name, LoadEmbeddedSource(name)));
            var nameBytes = Encoding.ASCII.GetBytes(kernel + "\0");
            int err;
            nint k;
            fixed (byte* pn = nameBytes) k = clCreateKernel(prog, pn, &err);
            Check(err, $"clCreateKernel({kernel})");
            return k;
        });
    }

    /// <summary>Compiles OpenCL C source for this device; on failure throws <see cref="OpenClBuildException"/>
    /// carrying the compiler log.</summary>
    public nint Build(string name, string source, string options = "")
    {
        var src = Encoding.UTF8.GetBytes(source);
        var opt = Encoding.ASCII.GetBytes(options + "\0");
        int err;
        nint program;
        fixed (byte* ps = src)
        {
            byte* p = ps;
            nuint len = (nuint)src.Length;
            program = clCreateProgramWithSource(Context, 1, &p, &len, &err);
        }
        Check(err, "clCreateProgramWithSource");
        nint dev = Device.DeviceHandle;
        fixed (byte* po = opt) err = clBuildProgram(program, 1, &dev, po, 0, 0);
        if (err != CL_SUCCESS)
        {
            string log = BuildLog(program);
            clReleaseProgram(program);
            if (err == CL_BUILD_PROGRAM_FAILURE) throw new OpenClBuildException(name, Device.Name, log);
            throw new OpenClException("clBuildProgram", err);
        }
        return program;
    }

    private string BuildLog(nint program)
    {
        nuint size;
        if (clGetProgramBuildInfo(program, Device.DeviceHandle, CL_PROGRAM_BUILD_LOG, 0, null, &size) != CL_SUCCESS)
            return "(the device returned no build log)";
        var buf = new byte[(int)size];
        fixed (byte* p = buf) clGetProgramBuildInfo(program, Device.DeviceHandle, CL_PROGRAM_BUILD_LOG, size, p, null);
        return Encoding.UTF8.GetString(buf).TrimEnd('\0').Trim();
    }

    internal static string LoadEmbeddedSource(string program)
    {
        var asm = typeof(OpenClContext).Assembly;
        string suffix = ".Kernels." + program + ".cl";
        string? resource = asm.GetManifestResourceNames().FirstOrDefault(r => r.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Kernel source Kernels/{program}.cl is not embedded in {asm.GetName().Name}.");
        using var stream = asm.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
