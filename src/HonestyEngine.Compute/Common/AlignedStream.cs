using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace HonestyEngine.Compute.Common;

/// <summary>A row's 16-lane vectors read with 64-byte-aligned loads only. .NET aligns managed arrays to 8 bytes, so
/// a plain 512-bit load of activations nearly always straddles two cache lines, which costs read bandwidth (a sum loop
/// read 47 GB/s at offset 8 and 75 GB/s at offset 0 here). Each vector is instead recombined from two aligned loads
/// with <c>valignd</c>, by the row's offset <typeparamref name="TShift"/> (in 4-byte lanes, a constant per
/// instantiation, as the instruction needs). The vectors are exactly those of unaligned loads, lane for lane, so the
/// float sums, and every fitted probe, do not depend on where the GC placed the array.</summary>
internal static unsafe class AlignedStream<TShift> where TShift : struct, ILaneShift
{
    /// <summary>The first aligned line of a row whose first element is at <paramref name="row"/>; seeds <paramref name="previous"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint* Start(byte* row, out Vector512<uint> previous)
    {
        uint* line = (uint*)row - TShift.Lanes;
        previous = TShift.Lanes == 0 ? default : Vector512.LoadAligned(line);
        return line;
    }

    /// <summary>Lanes [16 i, 16 i + 16) of the row, from the aligned line at <paramref name="line"/> + 16 i; the caller
    /// walks i upward by one and only while the row still has all 16 lanes (so the next aligned line, which holds the
    /// vector's last lanes, lies within the row and cannot fault).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Next(uint* lineOfVector, ref Vector512<uint> previous)
    {
        if (TShift.Lanes == 0) return Vector512.LoadAligned(lineOfVector);
        var next = Vector512.LoadAligned(lineOfVector + 16);
        // TShift.Lanes is a constant once the JIT specialises this method for the struct (the analyzer cannot see that).
#pragma warning disable CA1857
        var vector = Avx512F.AlignRight32(next, previous, TShift.Lanes);
#pragma warning restore CA1857
        previous = next;
        return vector;
    }

    /// <summary>Lanes [0, 32) of a row (or column tile) whose first lane sits <typeparamref name="TShift"/> lanes
    /// past the aligned <paramref name="line"/>: three aligned loads instead of two straddling ones. The row must
    /// hold all 32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Two(uint* line, out Vector512<uint> v0, out Vector512<uint> v1)
    {
        if (TShift.Lanes == 0) { v0 = Vector512.LoadAligned(line); v1 = Vector512.LoadAligned(line + 16); return; }
        var p0 = Vector512.LoadAligned(line);
        var p1 = Vector512.LoadAligned(line + 16);
        var p2 = Vector512.LoadAligned(line + 32);
#pragma warning disable CA1857
        v0 = Avx512F.AlignRight32(p1, p0, TShift.Lanes);
        v1 = Avx512F.AlignRight32(p2, p1, TShift.Lanes);
#pragma warning restore CA1857
    }

    /// <summary>Lanes [0, 64) the same way: five aligned loads instead of four straddling ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Four(uint* line, out Vector512<uint> v0, out Vector512<uint> v1, out Vector512<uint> v2, out Vector512<uint> v3)
    {
        if (TShift.Lanes == 0)
        {
            v0 = Vector512.LoadAligned(line); v1 = Vector512.LoadAligned(line + 16);
            v2 = Vector512.LoadAligned(line + 32); v3 = Vector512.LoadAligned(line + 48);
            return;
        }
        var p0 = Vector512.LoadAligned(line);
        var p1 = Vector512.LoadAligned(line + 16);
        var p2 = Vector512.LoadAligned(line + 32);
        var p3 = Vector512.LoadAligned(line + 48);
        var p4 = Vector512.LoadAligned(line + 64);
#pragma warning disable CA1857
        v0 = Avx512F.AlignRight32(p1, p0, TShift.Lanes);
        v1 = Avx512F.AlignRight32(p2, p1, TShift.Lanes);
        v2 = Avx512F.AlignRight32(p3, p2, TShift.Lanes);
        v3 = Avx512F.AlignRight32(p4, p3, TShift.Lanes);
#pragma warning restore CA1857
    }
}

/// <summary>A kernel body compiled once per lane shift (a struct, so each instantiation is specialised).</summary>
internal interface IShiftedKernel<out TResult>
{
    TResult Run<TShift>() where TShift : struct, ILaneShift;
}

/// <summary>The one place that picks a kernel's instantiation from its data's address.</summary>
internal static unsafe class LaneShifts
{
    /// <summary>Runs <paramref name="kernel"/> with the lane shift of <paramref name="address"/>, or with
    /// <see cref="Unaligned"/> where aligned loads cannot serve: no AVX-512, data not on a 4-byte boundary, or rows that
    /// do not all share the first row's offset (<paramref name="rowsShareOffset"/> false).</summary>
    /// <remarks>Called per row or per tile, so it and the kernels' Run methods are compiled fully optimised at once:
    /// left to tiering, they ran as tier-0 code for a fit's first ~100 ms, which made a 20k x 1024 logistic pass 1.7x
    /// slower (2.85 against 1.69 ms) and a whole fit of that size 3.1x instead of 5.7x scikit-learn's speed.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TResult Dispatch<TKernel, TResult>(ref TKernel kernel, void* address, bool rowsShareOffset = true)
        where TKernel : struct, IShiftedKernel<TResult>
    {
        nint a = (nint)address;
        if (!rowsShareOffset || !Avx512F.IsSupported || (a & 3) != 0) return kernel.Run<Unaligned>();
        return ((a & 63) >> 2) switch
        {
            0 => kernel.Run<LaneShift0>(),
            1 => kernel.Run<LaneShift1>(),
            2 => kernel.Run<LaneShift2>(),
            3 => kernel.Run<LaneShift3>(),
            4 => kernel.Run<LaneShift4>(),
            5 => kernel.Run<LaneShift5>(),
            6 => kernel.Run<LaneShift6>(),
            7 => kernel.Run<LaneShift7>(),
            8 => kernel.Run<LaneShift8>(),
            9 => kernel.Run<LaneShift9>(),
            10 => kernel.Run<LaneShift10>(),
            11 => kernel.Run<LaneShift11>(),
            12 => kernel.Run<LaneShift12>(),
            13 => kernel.Run<LaneShift13>(),
            14 => kernel.Run<LaneShift14>(),
            15 => kernel.Run<LaneShift15>(),
            _ => kernel.Run<Unaligned>(),
        };
    }
}

/// <summary>A row's offset from a 64-byte boundary in 4-byte lanes, as a type (so the JIT sees a constant).</summary>
internal interface ILaneShift { static abstract byte Lanes { get; } }
/// <summary>Marks the plain unaligned-load path (rows not on a 4-byte boundary, or no AVX-512).</summary>
internal struct Unaligned : ILaneShift { public static byte Lanes => 0; }
internal struct LaneShift0 : ILaneShift { public static byte Lanes => 0; }
internal struct LaneShift1 : ILaneShift { public static byte Lanes => 1; }
internal struct LaneShift2 : ILaneShift { public static byte Lanes => 2; }
internal struct LaneShift3 : ILaneShift { public static byte Lanes => 3; }
internal struct LaneShift4 : ILaneShift { public static byte Lanes => 4; }
internal struct LaneShift5 : ILaneShift { public static byte Lanes => 5; }
internal struct LaneShift6 : ILaneShift { public static byte Lanes => 6; }
internal struct LaneShift7 : ILaneShift { public static byte Lanes => 7; }
internal struct LaneShift8 : ILaneShift { public static byte Lanes => 8; }
internal struct LaneShift9 : ILaneShift { public static byte Lanes => 9; }
internal struct LaneShift10 : ILaneShift { public static byte Lanes => 10; }
internal struct LaneShift11 : ILaneShift { public static byte Lanes => 11; }
internal struct LaneShift12 : ILaneShift { public static byte Lanes => 12; }
internal struct LaneShift13 : ILaneShift { public static byte Lanes => 13; }
internal struct LaneShift14 : ILaneShift { public static byte Lanes => 14; }
internal struct LaneShift15 : ILaneShift { public static byte Lanes => 15; }
