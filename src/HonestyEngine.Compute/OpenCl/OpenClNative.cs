using System.Runtime.InteropServices;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>The subset of the OpenCL 1.2/2.0 C API the backend uses, bound to the ICD loader
/// libOpenCL.so.1 (Debian's ocl-icd-libopencl1; on the GPU machine a copy next to the executable).
/// Handles are opaque pointers; sizes are size_t (nuint).</summary>
internal static unsafe partial class OpenClNative
{
    private const string Lib = "libOpenCL.so.1";

    public const int CL_SUCCESS = 0;
    public const int CL_DEVICE_NOT_FOUND = -1;
    public const int CL_BUILD_PROGRAM_FAILURE = -11;
    public const int CL_PLATFORM_NOT_FOUND_KHR = -1001;

    public const uint CL_PLATFORM_NAME = 0x0902;
    public const uint CL_PLATFORM_VERSION = 0x0901;
    public const ulong CL_DEVICE_TYPE_ALL = 0xFFFFFFFF;
    public const ulong CL_DEVICE_TYPE_CPU = 1 << 1;
    public const ulong CL_DEVICE_TYPE_GPU = 1 << 2;
    public const uint CL_DEVICE_TYPE = 0x1000;
    public const uint CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    public const uint CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    public const uint CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    public const uint CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    public const uint CL_DEVICE_NAME = 0x102B;
    public const uint CL_DEVICE_VENDOR = 0x102C;
    public const uint CL_DRIVER_VERSION = 0x102D;
    public const uint CL_PROGRAM_BUILD_LOG = 0x1183;
    public const uint CL_PROGRAM_BINARY_SIZES = 0x1165;
    public const uint CL_PROGRAM_BINARIES = 0x1166;

    public const ulong CL_MEM_READ_WRITE = 1 << 0;
    public const ulong CL_MEM_WRITE_ONLY = 1 << 1;
    public const ulong CL_MEM_READ_ONLY = 1 << 2;
    public const ulong CL_MEM_COPY_HOST_PTR = 1 << 5;
    public const ulong CL_QUEUE_PROPERTIES = 0x1093;
    public const ulong CL_QUEUE_PROFILING_ENABLE = 1 << 1;

    [LibraryImport(Lib)] public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);
    [LibraryImport(Lib)] public static partial int clGetPlatformInfo(nint platform, uint name, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial int clGetDeviceIDs(nint platform, ulong type, uint numEntries, nint* devices, uint* numDevices);
    [LibraryImport(Lib)] public static partial int clGetDeviceInfo(nint device, uint name, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint callback, nint userData, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateCommandQueueWithProperties(nint context, nint device, ulong* properties, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* err);
    [LibraryImport(Lib)] public static partial nint clCreateProgramWithBinary(nint context, uint numDevices, nint* devices, nuint* lengths, byte** binaries, int* binaryStatus, int* err);
    [LibraryImport(Lib)] public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint callback, nint userData);
    [LibraryImport(Lib)] public static partial int clGetProgramBuildInfo(nint program, nint device, uint name, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial int clGetProgramInfo(nint program, uint name, nuint size, void* value, nuint* sizeRet);
    [LibraryImport(Lib)] public static partial nint clCreateKernel(nint program, byte* name, int* err);
    [LibraryImport(Lib)] public static partial int clSetKernelArg(nint kernel, uint index, nuint size, void* value);
    [LibraryImport(Lib)] public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* hostPtr, int* err);
    [LibraryImport(Lib)] public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint workDim, nuint* globalOffset, nuint* globalSize, nuint* localSize, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numEvents, nint* waitList, nint* evt);
    [LibraryImport(Lib)] public static partial int clFinish(nint queue);
    [LibraryImport(Lib)] public static partial int clReleaseMemObject(nint mem);
    [LibraryImport(Lib)] public static partial int clReleaseKernel(nint kernel);
    [LibraryImport(Lib)] public static partial int clReleaseProgram(nint program);
    [LibraryImport(Lib)] public static partial int clReleaseCommandQueue(nint queue);
    [LibraryImport(Lib)] public static partial int clReleaseContext(nint context);

    /// <summary>Throws <see cref="OpenClException"/> naming the call and the error code when err is not CL_SUCCESS.</summary>
    public static void Check(int err, string call)
    {
        if (err != CL_SUCCESS) throw new OpenClException(call, err);
    }

    public static string PlatformString(nint platform, uint name)
    {
        nuint size;
        Check(clGetPlatformInfo(platform, name, 0, null, &size), "clGetPlatformInfo");
        var buf = new byte[(int)size];
        fixed (byte* p = buf) Check(clGetPlatformInfo(platform, name, size, p, null), "clGetPlatformInfo");
        return System.Text.Encoding.UTF8.GetString(buf).TrimEnd('\0').Trim();
    }

    public static string DeviceString(nint device, uint name)
    {
        nuint size;
        Check(clGetDeviceInfo(device, name, 0, null, &size), "clGetDeviceInfo");
        var buf = new byte[(int)size];
        fixed (byte* p = buf) Check(clGetDeviceInfo(device, name, size, p, null), "clGetDeviceInfo");
        return System.Text.Encoding.UTF8.GetString(buf).TrimEnd('\0').Trim();
    }

    public static T DeviceValue<T>(nint device, uint name) where T : unmanaged
    {
        T value;
        Check(clGetDeviceInfo(device, name, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }
}
