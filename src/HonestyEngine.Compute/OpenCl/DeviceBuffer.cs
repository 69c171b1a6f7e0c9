using static HonestyEngine.Compute.OpenCl.OpenClNative;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>A device buffer of <typeparamref name="T"/> elements, released on dispose.</summary>
internal sealed unsafe class DeviceBuffer<T> : IDisposable where T : unmanaged
{
    private readonly OpenClContext _ctx;
    public nint Handle { get; private set; }
    public long Length { get; }
    public long Bytes => Length * sizeof(T);

    public DeviceBuffer(OpenClContext ctx, long length, string what)
    {
        _ctx = ctx;
        Length = Math.Max(1, length); // zero-sized buffers are invalid in OpenCL
        if (Bytes > ctx.Device.MaxAllocationBytes)
            throw new ArgumentException(
                $"{what} needs {Bytes / (1 << 20)} MiB on the device but '{ctx.Device.Name}' allows at most " +
                $"{ctx.Device.MaxAllocationBytes / (1 << 20)} MiB per buffer; split the rows into smaller batches.");
        int err;
        Handle = clCreateBuffer(ctx.Context, CL_MEM_READ_WRITE, (nuint)Bytes, null, &err);
        Check(err, $"clCreateBuffer({what}, {Bytes} bytes)");
    }

    public static DeviceBuffer<T> From(OpenClContext ctx, ReadOnlySpan<T> data, string what)
    {
        var b = new DeviceBuffer<T>(ctx, data.Length, what);
        b.Write(data);
        return b;
    }

    public void Write(ReadOnlySpan<T> data)
    {
        if (data.IsEmpty) return;
        fixed (T* p = data)
            Check(clEnqueueWriteBuffer(_ctx.Queue, Handle, 1, 0, (nuint)((long)data.Length * sizeof(T)), p, 0, null, null), "clEnqueueWriteBuffer");
    }

    public void Read(Span<T> destination)
    {
        if (destination.IsEmpty) return;
        fixed (T* p = destination)
            Check(clEnqueueReadBuffer(_ctx.Queue, Handle, 1, 0, (nuint)((long)destination.Length * sizeof(T)), p, 0, null, null), "clEnqueueReadBuffer");
    }

    public void Dispose()
    {
        if (Handle != 0) { clReleaseMemObject(Handle); Handle = 0; }
    }
}

/// <summary>Sets kernel arguments and launches, with the kernel name in any error.</summary>
internal static unsafe class KernelCall
{
    public static void Arg<T>(nint kernel, uint index, DeviceBuffer<T> buffer) where T : unmanaged
    {
        nint h = buffer.Handle;
        Check(clSetKernelArg(kernel, index, (nuint)sizeof(nint), &h), $"clSetKernelArg({index})");
    }

    public static void Arg(nint kernel, uint index, int value) => Check(clSetKernelArg(kernel, index, sizeof(int), &value), $"clSetKernelArg({index})");
    public static void Arg(nint kernel, uint index, float value) => Check(clSetKernelArg(kernel, index, sizeof(float), &value), $"clSetKernelArg({index})");

    /// <summary>A __local buffer of <paramref name="bytes"/> bytes.</summary>
    public static void LocalArg(nint kernel, uint index, int bytes) => Check(clSetKernelArg(kernel, index, (nuint)bytes, null), $"clSetKernelArg({index}, local)");

    public static void Launch(OpenClContext ctx, nint kernel, string name, long global0, long global1 = 0, int local0 = 0, int local1 = 0)
    {
        uint dims = global1 > 0 ? 2u : 1u;
        nuint* g = stackalloc nuint[2] { (nuint)global0, (nuint)Math.Max(global1, 1) };
        nuint* l = stackalloc nuint[2] { (nuint)local0, (nuint)local1 };
        Check(clEnqueueNDRangeKernel(ctx.Queue, kernel, dims, null, g, local0 > 0 ? l : null, 0, null, null), $"clEnqueueNDRangeKernel({name})");
    }

    public static void Finish(OpenClContext ctx) => Check(clFinish(ctx.Queue), "clFinish");
}
