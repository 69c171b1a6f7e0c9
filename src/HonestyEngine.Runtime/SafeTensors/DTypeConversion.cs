using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>Span-in/span-out conversions between stored element types and float32 (little-endian, as
/// safetensors stores them).</summary>
public static class DTypeConversion
{
    /// <summary>Converts <paramref name="source"/> bytes of <paramref name="dtype"/> into float32.
    /// The destination length must equal the element count.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> source, SafeTensorDType dtype, Span<float> destination)
    {
        if (source.Length != (long)destination.Length * dtype.ElementSize())
            throw new ArgumentException($"{source.Length} bytes of {dtype.HeaderName()} do not make {destination.Length} elements.");
        switch (dtype)
        {
            case SafeTensorDType.F32: MemoryMarshal.Cast<byte, float>(source).CopyTo(destination); break;
            case SafeTensorDType.F16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination); break;
            case SafeTensorDType.BF16: BFloat16ToFloat32(MemoryMarshal.Cast<byte, ushort>(source), destination); break;
            case SafeTensorDType.I64:
                {
                    var s = MemoryMarshal.Cast<byte, long>(source);
                    for (int i = 0; i < s.Length; i++) destination[i] = s[i];
                    break;
                }
            case SafeTensorDType.I32:
                {
                    var s = MemoryMarshal.Cast<byte, int>(source);
                    for (int i = 0; i < s.Length; i++) destination[i] = s[i];
                    break;
                }
            default: throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    /// <summary>bfloat16 is the upper half of a float32: widening is a 16-bit shift (exact).</summary>
    public static void BFloat16ToFloat32(ReadOnlySpan<ushort> source, Span<float> destination) =>
        BFloat16.ToSingle(MemoryMarshal.Cast<ushort, BFloat16>(source), destination);

    /// <summary>Rounds float32 to bfloat16 with round-to-nearest-even (as torch does); NaN stays NaN.</summary>
    public static void Float32ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination) =>
        BFloat16.FromSingle(source, MemoryMarshal.Cast<ushort, BFloat16>(destination));

    /// <summary>Converts float32 to IEEE half (round to nearest even).</summary>
    public static void Float32ToFloat16(ReadOnlySpan<float> source, Span<Half> destination) =>
        TensorPrimitives.ConvertToHalf(source, destination);
}
