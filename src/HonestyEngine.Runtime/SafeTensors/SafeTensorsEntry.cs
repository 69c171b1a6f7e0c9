using System.Runtime.InteropServices;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>One tensor to be written by <see cref="SafeTensorsWriter"/>: its name, stored dtype, shape and the
/// little-endian bytes. Use the factories to build one from typed arrays.</summary>
public sealed class SafeTensorsEntry
{
    public string Name { get; }
    public SafeTensorDType DType { get; }
    public long[] Shape { get; }
    public ReadOnlyMemory<byte> Data { get; }

    public SafeTensorsEntry(string name, SafeTensorDType dtype, long[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor.");
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{name}': negative dimension in shape [{string.Join(", ", shape)}].");
            n = checked(n * d);
        }
        if (checked(n * dtype.ElementSize()) != data.Length)
            throw new ArgumentException($"Tensor '{name}': {data.Length} bytes do not match dtype {dtype.HeaderName()} with shape [{string.Join(", ", shape)}].");
        Name = name; DType = dtype; Shape = (long[])shape.Clone(); Data = data;
    }

    private static long[] L(int[] shape) => Array.ConvertAll(shape, d => (long)d);
    private static ReadOnlyMemory<byte> Bytes<T>(T[] data) where T : struct => MemoryMarshal.AsBytes(data.AsSpan()).ToArray();

    /// <summary>float32 stored as F32.</summary>
    public static SafeTensorsEntry F32(string name, int[] shape, ReadOnlySpan<float> data) =>
        new(name, SafeTensorDType.F32, L(shape), MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>float32 rounded to bfloat16 (nearest even) and stored as BF16.</summary>
    public static SafeTensorsEntry BF16(string name, int[] shape, ReadOnlySpan<float> data)
    {
        var bf = new ushort[data.Length];
        DTypeConversion.Float32ToBFloat16(data, bf);
        return new(name, SafeTensorDType.BF16, L(shape), Bytes(bf));
    }

    /// <summary>float32 rounded to IEEE half and stored as F16.</summary>
    public static SafeTensorsEntry F16(string name, int[] shape, ReadOnlySpan<float> data)
    {
        var h = new Half[data.Length];
        DTypeConversion.Float32ToFloat16(data, h);
        return new(name, SafeTensorDType.F16, L(shape), Bytes(h));
    }

    public static SafeTensorsEntry I64(string name, int[] shape, ReadOnlySpan<long> data) =>
        new(name, SafeTensorDType.I64, L(shape), MemoryMarshal.AsBytes(data).ToArray());

    public static SafeTensorsEntry I32(string name, int[] shape, ReadOnlySpan<int> data) =>
        new(name, SafeTensorDType.I32, L(shape), MemoryMarshal.AsBytes(data).ToArray());

    /// <summary>Builds an entry from a header dtype name and a typed array: float[] may be stored as F32, BF16 or F16;
    /// long[] as I64; int[] as I32; Half[] as F16; byte[] as raw bytes of any dtype.</summary>
    public static SafeTensorsEntry From(string name, string dtype, int[] shape, Array data)
    {
        var dt = SafeTensorDTypes.Parse(dtype);
        return (data, dt) switch
        {
            (float[] f, SafeTensorDType.F32) => F32(name, shape, f),
            (float[] f, SafeTensorDType.BF16) => BF16(name, shape, f),
            (float[] f, SafeTensorDType.F16) => F16(name, shape, f),
            (long[] l, SafeTensorDType.I64) => I64(name, shape, l),
            (int[] i, SafeTensorDType.I32) => I32(name, shape, i),
            (Half[] h, SafeTensorDType.F16) => new(name, dt, L(shape), Bytes(h)),
            (byte[] b, _) => new(name, dt, L(shape), b),
            _ => throw new ArgumentException($"Tensor '{name}': cannot store {data.GetType().Name} as {dtype}."),
        };
    }
}
