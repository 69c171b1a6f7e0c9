using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Abstractions;

/// <summary>A bfloat16 value: the upper 16 bits of a float32 (8 exponent bits, 7 mantissa bits), the dtype in which
/// most released checkpoints run and export their activations (safetensors "BF16"). The BCL has no such type; this
/// one is a plain 2-byte struct, so a span of raw BF16 bytes reinterprets as a span of it without copying.
/// Widening to float32 is exact (a 16-bit shift); narrowing rounds to nearest even, as torch does.</summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    /// <summary>The raw bit pattern.</summary>
    public ushort Bits { get; }

    private BFloat16(ushort bits) => Bits = bits;

    /// <summary>Wraps a raw bit pattern (e.g. read from a BF16 safetensors tensor).</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>NaN or ±Inf (all exponent bits set).</summary>
    public bool IsNonFinite => (Bits & 0x7F80) == 0x7F80;

    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value.Bits << 16);

    public static explicit operator BFloat16(float value) => new(Round(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>Widens every element (exact).</summary>
    public static void ToSingle(ReadOnlySpan<BFloat16> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Length mismatch: {source.Length} bfloat16 values into {destination.Length} floats.");
        var src = MemoryMarshal.Cast<BFloat16, ushort>(source);
        var dst = MemoryMarshal.Cast<float, uint>(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ushort>.Count <= src.Length; i += Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(src.Slice(i, Vector256<ushort>.Count)));
                (lo << 16).CopyTo(dst.Slice(i));
                (hi << 16).CopyTo(dst.Slice(i + Vector256<uint>.Count));
            }
        }
        for (; i < src.Length; i++) dst[i] = (uint)src[i] << 16;
    }

    /// <summary>Rounds every element to nearest even; NaN stays NaN.</summary>
    public static void FromSingle(ReadOnlySpan<float> source, Span<BFloat16> destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Length mismatch: {source.Length} floats into {destination.Length} bfloat16 values.");
        var src = MemoryMarshal.Cast<float, uint>(source);
        var dst = MemoryMarshal.Cast<BFloat16, ushort>(destination);
        for (int i = 0; i < src.Length; i++) dst[i] = Round(src[i]);
    }

    /// <summary>Index of the first NaN/Inf, or -1.</summary>
    public static int FirstNonFinite(ReadOnlySpan<BFloat16> values)
    {
        var bits = MemoryMarshal.Cast<BFloat16, ushort>(values);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var exponent = Vector512.Create((ushort)0x7F80);
            for (; i + Vector512<ushort>.Count <= bits.Length; i += Vector512<ushort>.Count)
                if (Vector512.EqualsAny(Vector512.Create(bits.Slice(i, Vector512<ushort>.Count)) & exponent, exponent)) break;
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & 0x7F80) == 0x7F80) return i;
        return -1;
    }

    private static ushort Round(uint bits)
    {
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) return (ushort)((bits >> 16) | 0x40); // keep NaN a (quiet) NaN
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    public bool Equals(BFloat16 other) => Bits == other.Bits;
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);
    public override int GetHashCode() => Bits;
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
