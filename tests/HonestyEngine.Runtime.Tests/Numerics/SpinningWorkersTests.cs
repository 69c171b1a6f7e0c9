using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Runtime.Tests.Numerics;

public class SpinningWorkersTests
{
    [Fact]
    public void RunsEveryPartExactlyOnceAcrossManyJobs()
    {
        for (int job = 0; job < 2000; job++)
        {
            int parts = 1 + job % 4;
            var hits = new int[parts];
            SpinningWorkers.For(parts, p => Interlocked.Increment(ref hits[p]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void RethrowsTheExceptionOfAWorkerPartAndStaysUsable()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            SpinningWorkers.For(2, p => { if (p == 1) throw new InvalidOperationException("part 1 failed"); }));
        Assert.Equal("part 1 failed", e.Message);
        var e0 = Assert.Throws<ArgumentException>(() => SpinningWorkers.For(2, p => { if (p == 0) throw new ArgumentException("part 0"); }));
        Assert.Equal("part 0", e0.Message);
        int sum = 0;
        SpinningWorkers.For(2, p => Interlocked.Add(ref sum, p + 1));
        Assert.Equal(3, sum);
    }

    [Fact]
    public void NestedAndConcurrentCallersFallBackWithoutDeadlock()
    {
        long total = 0;
        Parallel.For(0, 8, _ =>
            SpinningWorkers.For(2, outer =>
                SpinningWorkers.For(3, inner => Interlocked.Add(ref total, outer * 10 + inner + 1))));
        // Each outer call adds (0+1)+(0+2)+(0+3) + (11+12+13) = 42.
        Assert.Equal(8 * 42, total);
    }

    [Fact]
    public void NestedFailureSurfacesAsTheOriginalException()
    {
        var e = Assert.Throws<FormatException>(() =>
            SpinningWorkers.For(2, _ => SpinningWorkers.For(2, inner => { if (inner == 1) throw new FormatException("inner"); })));
        Assert.Equal("inner", e.Message);
    }
}
