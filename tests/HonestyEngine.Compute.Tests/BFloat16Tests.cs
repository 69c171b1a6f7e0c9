using HonestyEngine.Abstractions;

namespace HonestyEngine.Compute.Tests;

/// <summary>The contract's bfloat16 type: exact widening, torch's round-to-nearest-even narrowing, NaN kept NaN,
/// and the non-finite scan the kernels rely on for their error messages.</summary>
public class BFloat16Tests
{
    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.5f, (ushort)0xC020)]
    [InlineData(0f, (ushort)0x0000)]
    [InlineData(float.PositiveInfinity, (ushort)0x7F80)]
    // 1 + 2^-8 lies exactly halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
    [InlineData(1.00390625f, (ushort)0x3F80)]
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: the even one is 1 + 2^-6.
    [InlineData(1.01171875f, (ushort)0x3F82)]
    // Just above the tie rounds up.
    [InlineData(1.0039065f, (ushort)0x3F81)]
    public void Narrowing_rounds_to_nearest_even(float value, ushort bits)
    {
        Assert.Equal(bits, ((BFloat16)value).Bits);
        Assert.Equal(BitConverter.UInt32BitsToSingle((uint)bits << 16), (float)(BFloat16)value);
    }

    [Fact]
    public void NaN_stays_NaN_and_max_float_rounds_to_infinity()
    {
        Assert.True(float.IsNaN((float)(BFloat16)float.NaN));
        Assert.True(((BFloat16)float.NaN).IsNonFinite);
        Assert.Equal(float.PositiveInfinity, (float)(BFloat16)float.MaxValue);
    }

    [Fact]
    public void Span_conversions_round_trip_every_bit_pattern()
    {
        var all = new BFloat16[65536];
        for (int i = 0; i < all.Length; i++) all[i] = BFloat16.FromBits((ushort)i);
        var wide = new float[all.Length];
        BFloat16.ToSingle(all, wide);
        var back = new BFloat16[all.Length];
        BFloat16.FromSingle(wide, back);
        for (int i = 0; i < all.Length; i++)
        {
            Assert.Equal((float)all[i], wide[i]);
            if (!all[i].IsNonFinite || !float.IsNaN(wide[i])) Assert.Equal(all[i].Bits, back[i].Bits);
            else Assert.True(back[i].IsNonFinite && float.IsNaN((float)back[i]));
        }
    }

    [Fact]
    public void FirstNonFinite_finds_the_first_NaN_or_Inf_in_any_position()
    {
        var values = new BFloat16[150];
        for (int i = 0; i < values.Length; i++) values[i] = (BFloat16)(i * 0.5f - 30);
        Assert.Equal(-1, BFloat16.FirstNonFinite(values));
        foreach (int at in new[] { 0, 31, 32, 100, 149 })
        {
            var copy = (BFloat16[])values.Clone();
            copy[at] = (BFloat16)float.NegativeInfinity;
            copy[Math.Min(149, at + 5)] = (BFloat16)float.NaN;
            Assert.Equal(at, BFloat16.FirstNonFinite(copy));
        }
    }
}
