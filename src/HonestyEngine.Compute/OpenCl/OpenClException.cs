namespace HonestyEngine.Compute.OpenCl;

/// <summary>An OpenCL call failed; the message names the call and the symbolic error code.</summary>
public class OpenClException : Exception
{
    public int ErrorCode { get; }

    public OpenClException(string call, int errorCode)
        : base($"OpenCL call {call} failed with {ErrorName(errorCode)} ({errorCode}).")
    {
        ErrorCode = errorCode;
    }

    protected OpenClException(string message, int errorCode, bool _) : base(message) => ErrorCode = errorCode;

    public static string ErrorName(int code) => code switch
    {
        0 => "CL_SUCCESS",
        -1 => "CL_DEVICE_NOT_FOUND",
        -2 => "CL_DEVICE_NOT_AVAILABLE",
        -3 => "CL_COMPILER_NOT_AVAILABLE",
        -4 => "CL_MEM_OBJECT_ALLOCATION_FAILURE",
        -5 => "CL_OUT_OF_RESOURCES",
        -6 => "CL_OUT_OF_HOST_MEMORY",
        -11 => "CL_BUILD_PROGRAM_FAILURE",
        -30 => "CL_INVALID_VALUE",
        -33 => "CL_INVALID_DEVICE",
        -34 => "CL_INVALID_CONTEXT",
        -36 => "CL_INVALID_COMMAND_QUEUE",
        -38 => "CL_INVALID_MEM_OBJECT",
        -42 => "CL_INVALID_BINARY",
        -43 => "CL_INVALID_BUILD_OPTIONS",
        -44 => "CL_INVALID_PROGRAM",
        -45 => "CL_INVALID_PROGRAM_EXECUTABLE",
        -46 => "CL_INVALID_KERNEL_NAME",
        -48 => "CL_INVALID_KERNEL",
        -49 => "CL_INVALID_ARG_INDEX",
        -50 => "CL_INVALID_ARG_VALUE",
        -51 => "CL_INVALID_ARG_SIZE",
        -52 => "CL_INVALID_KERNEL_ARGS",
        -54 => "CL_INVALID_WORK_GROUP_SIZE",
        -55 => "CL_INVALID_WORK_ITEM_SIZE",
        -61 => "CL_INVALID_BUFFER_SIZE",
        -63 => "CL_INVALID_GLOBAL_WORK_SIZE",
        -1001 => "CL_PLATFORM_NOT_FOUND_KHR",
        _ => "an unknown OpenCL error",
    };
}

/// <summary>A kernel source failed to compile; <see cref="BuildLog"/> is the device compiler's log, which
/// the message also contains so it is shown wherever the error is printed.</summary>
public sealed class OpenClBuildException(string programName, string device, string buildLog)
    : OpenClException($"OpenCL kernel program '{programName}' failed to build for device '{device}'. Compiler log:\n{buildLog}", -11, true)
{
    public string ProgramName { get; } = programName;
    public string BuildLog { get; } = buildLog;
}
