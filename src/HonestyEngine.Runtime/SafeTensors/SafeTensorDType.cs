namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>The element types this runtime reads and writes. The names in a safetensors header are the
/// upper-case spellings ("F32", "BF16", "F16", "I64", "I32").</summary>
public enum SafeTensorDType
{
    F32,
    F16,
    BF16,
    I64,
    I32,
}

/// <summary>Header spelling and element size of each <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => 4,
        SafeTensorDType.F16 => 2,
        SafeTensorDType.BF16 => 2,
        SafeTensorDType.I64 => 8,
        SafeTensorDType.I32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The spelling used in the JSON header.</summary>
    public static string HeaderName(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => "F32",
        SafeTensorDType.F16 => "F16",
        SafeTensorDType.BF16 => "BF16",
        SafeTensorDType.I64 => "I64",
        SafeTensorDType.I32 => "I32",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Parses a header dtype; false for anything this runtime does not support.</summary>
    public static bool TryParse(string? name, out SafeTensorDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = SafeTensorDType.F32; return true;
            case "F16": dtype = SafeTensorDType.F16; return true;
            case "BF16": dtype = SafeTensorDType.BF16; return true;
            case "I64": dtype = SafeTensorDType.I64; return true;
            case "I32": dtype = SafeTensorDType.I32; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>Parses a header dtype or throws <see cref="ArgumentException"/> listing the supported ones.</summary>
    public static SafeTensorDType Parse(string name) =>
        TryParse(name, out var d) ? d : throw new ArgumentException($"Unsupported dtype '{name}'. Supported: {Supported}.");

    /// <summary>"F32, F16, BF16, I64, I32" (for error messages).</summary>
    public const string Supported = "F32, F16, BF16, I64, I32";
}
