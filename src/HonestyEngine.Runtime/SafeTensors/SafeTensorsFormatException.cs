namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>A safetensors file (or a sharded checkpoint index) is malformed or does not hold what was asked
/// for. The message always names the file and, where one is involved, the tensor.</summary>
public sealed class SafeTensorsFormatException : Exception
{
    /// <summary>The file that is wrong.</summary>
    public string FilePath { get; }
    /// <summary>The tensor involved, or null when the problem is with the file as a whole.</summary>
    public string? TensorName { get; }

    public SafeTensorsFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(Compose(filePath, tensorName, problem), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}
