using System.Runtime.Intrinsics;
using HonestyEngine.Compute.Common;

namespace HonestyEngine.Compute.Tests;

/// <summary>The shuffle-tree reduction must put each accumulator's sum in its own lane: a lane mix-up would still give
/// plausible scores, so every lane of every input carries a distinct value here.</summary>
public class HorizontalSumsTests
{
    [Fact]
    public void Sum8_returns_each_vectors_lane_sum_in_its_own_lane()
    {
        if (!Vector512.IsHardwareAccelerated) return; // the reduction is only called where AVX-512 runs
        var v = new Vector512<float>[8];
        var expected = new float[8];
        for (int p = 0; p < 8; p++)
        {
            var lanes = new float[16];
            // Powers of two per lane and a per-vector offset: the sums are exact and all different.
            for (int i = 0; i < 16; i++) { lanes[i] = (1 << i) + 100_000f * (p + 1); expected[p] += lanes[i]; }
            v[p] = Vector512.Create(lanes);
        }
        var sums = HorizontalSums.Sum8(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        for (int p = 0; p < 8; p++) Assert.Equal(expected[p], sums[p]);
    }
}
