using HonestyEngine.Compute.Cpu;

namespace HonestyEngine.Compute.Tests;

/// <summary>The projection kernels for 1 probe (4 rows at a time) and for 2 or more (3 x 8 tile on probe panels) read x with aligned
/// loads recombined by the rows' offset from a cache line;
/// its scores must be the same bits wherever x starts (and equal to the other tiles' reference within rounding).</summary>
public unsafe class ProjectionAlignmentTests
{
    [Theory]
    [InlineData(8, 96)]
    [InlineData(11, 1024)]
    [InlineData(16, 2048)]
    [InlineData(1, 1024)]
    [InlineData(3, 96)]
    public void Scores_do_not_depend_on_where_x_starts(int k, int d)
    {
        int n = 10; // three 3-row groups and a single row
        var values = Data.Gaussian(n * d, d + k);
        var w = Data.Gaussian(k * d, 3);
        var bias = Data.Gaussian(k, 4);
        var compute = new CpuActivationCompute(threads: 1);
        float[]? first = null;
        byte[] buffer = GC.AllocateArray<byte>(n * d * 4 + 128, pinned: true);
        fixed (byte* pb = buffer)
        {
            float* aligned = (float*)(((nint)pb + 63) & ~(nint)63);
            for (int offset = 0; offset < 16; offset++)
            {
                var x = new Span<float>(aligned + offset, n * d);
                values.CopyTo(x);
                var scores = new float[n * k];
                compute.ProjectScores(x, n, d, w, k, bias, scores);
                first ??= scores;
                Assert.Equal(first, scores);
            }
        }
        for (int r = 0; r < n; r++)
            for (int p = 0; p < k; p++)
            {
                double e = bias[p];
                for (int j = 0; j < d; j++) e += (double)values[r * d + j] * w[p * d + j];
                Data.AssertClose(e, first![r * k + p], 1e-4, 1e-3, $"score[{r}, {p}]");
            }
    }
}
