using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HonestyEngine.Compute.Common;

/// <summary>Sums of the 16 lanes of several accumulators at once. <see cref="Vector512.Sum{T}(Vector512{T})"/> reduces
/// one vector in about 28 instructions (it fixes its order across instruction sets); a kernel ending 24 accumulators
/// per three rows spent a fifth of its time there. A shuffle tree reduces eight vectors in 24 instructions and returns the eight
/// sums side by side, ready to store. The order is fixed too, so results are deterministic.</summary>
internal static class HorizontalSums
{
    /// <summary>[sum(a0), sum(a1), ..., sum(a7)]. Requires AVX-512F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3,
                                        Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7)
    {
        // 16 -> 8 lanes each: [a_p low 256 + high 256, a_q low 256 + high 256].
        var u01 = Avx512F.Shuffle4x128(a0, a1, 0x44) + Avx512F.Shuffle4x128(a0, a1, 0xEE);
        var u23 = Avx512F.Shuffle4x128(a2, a3, 0x44) + Avx512F.Shuffle4x128(a2, a3, 0xEE);
        var u45 = Avx512F.Shuffle4x128(a4, a5, 0x44) + Avx512F.Shuffle4x128(a4, a5, 0xEE);
        var u67 = Avx512F.Shuffle4x128(a6, a7, 0x44) + Avx512F.Shuffle4x128(a6, a7, 0xEE);
        // 8 -> 4 lanes: 128-bit block i holds accumulator i's (or 4 + i's) four partial sums.
        var v0123 = Avx512F.Shuffle4x128(u01, u23, 0x88) + Avx512F.Shuffle4x128(u01, u23, 0xDD);
        var v4567 = Avx512F.Shuffle4x128(u45, u67, 0x88) + Avx512F.Shuffle4x128(u45, u67, 0xDD);
        // 4 -> 2 lanes, then 2 -> 1: block i = [s_i, s_i, s_4+i, s_4+i].
        var w = Avx512F.Shuffle(v0123, v4567, 0x88) + Avx512F.Shuffle(v0123, v4567, 0xDD);
        var z = w + Avx512F.Shuffle(w, w, 0xB1);
        // A constant vector (not a static field: its class-init check is a call, across which the JIT spills every
        // live zmm register, the kernel's accumulators included).
        return Avx512F.PermuteVar16x32(z, Vector512.Create(0, 4, 8, 12, 2, 6, 10, 14, 0, 0, 0, 0, 0, 0, 0, 0)).GetLower();
    }
}
