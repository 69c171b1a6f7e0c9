using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public static void BFloat16ToFloat32(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (source.Length != destination.Length) throw new ArgumentException("Length mismatch.");
        var dst = MemoryMarshal.Cast<float, uint>(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ushort>.Count <= source.Length; i += Vector256<ushort>.Count)
            {
                var v = Vector256.Create(source.Slice(i, Vector256<ushort>.Count));
                var (lo, hi) = Vector256.Widen(v);
                (lo << 16).CopyTo(dst.Slice(i));
                (hi << 16).CopyTo(dst.Slice(i + Vector256<uint>.Count));
            }
        }
        for (; i < source.Length; i++) dst[i] = (uint)source[i] << 16;
    }

    /// <summary>Rounds float32 to bfloat16 with round-to-nearest-even (as torch does); NaN stays NaN.</summary>
    public static void Float32ToBFloat16(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (source.Length != destination.Length) throw new ArgumentException("Length mismatch.");
        var src = MemoryMarshal.Cast<float, uint>(source);
        for (int i = 0; i < src.Length; i++)
        {
            uint bits = src[i];
            if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) { destination[i] = (ushort)((bits >> 16) | 0x40); continue; }
            uint rounding = 0x7FFF + ((bits >> 16) & 1);
            destination[i] = (ushort)((bits + rounding) >> 16);
        }
    }

    /// <summary>Converts float32 to IEEE half (round to nearest even).</summary>
    public static void Float32ToFloat16(ReadOnlySpan<float> source, Span<Half> destination) =>
        TensorPrimitives.ConvertToHalf(source, destination);
}
