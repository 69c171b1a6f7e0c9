namespace HonestyEngine.Compute.Common;

/// <summary>Shape checks shared by every backend, so a wrong call fails the same way everywhere
/// and the message names the argument and both sizes.</summary>
internal static class Shapes
{
    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.", name);
    }

    public static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentException($"{name} must not be negative, got {value}.", name);
    }

    /// <summary>Requires a span to hold exactly rows x cols elements.</summary>
    public static void Matrix(int actualLength, long rows, long cols, string name)
    {
        if (actualLength != rows * cols)
            throw new ArgumentException(
                $"{name} has {actualLength} elements but its shape [{rows}, {cols}] needs {rows * cols}.", name);
    }

    public static void Vector(int actualLength, long expected, string name)
    {
        if (actualLength != expected)
            throw new ArgumentException($"{name} has {actualLength} elements but {expected} were expected.", name);
    }
}
