using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HonestyEngine.Benchmarks;

/// <summary>The machine's read bandwidth, measured in the same run as the kernels it is compared with:
/// every thread sums its share of a large buffer with four Vector512 accumulators (the C-loop equivalent).</summary>
internal static unsafe class BandwidthProbe
{
    /// <summary>Best-of-<paramref name="repeats"/> read bandwidth in GB/s over <paramref name="data"/>, where .NET put it:
    /// a managed array's elements are only 8-byte aligned, so most 64-byte loads straddle two cache lines, as the
    /// kernels' loads on the same array do.</summary>
    public static double ReadGBps(float[] data, int threads, int repeats = 7)
    {
        fixed (float* p = data) return ReadGBps(p, data.LongLength, threads, repeats);
    }

    /// <summary>The hardware limit: the same loop over a 64-byte-aligned native buffer (what a C loop over aligned
    /// memory reads; measured 60-75 GB/s here against 45-50 GB/s for the same loop on a managed array, 2026-11-24).
    /// Allocated and written once, then read as often as the caller alternates it with the kernels (a fresh buffer per
    /// reading measured its first, slow pass).</summary>
    public sealed class AlignedBuffer : IDisposable
    {
        private float* _p;
        private readonly long _floats;

        public AlignedBuffer(long floats)
        {
            _floats = floats;
            _p = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
            for (long start = 0; start < floats; start += 1 << 28)
                new Span<float>(_p + start, (int)Math.Min(1 << 28, floats - start)).Fill(1f);
        }

        public double ReadGBps(int threads, int repeats = 1) => BandwidthProbe.ReadGBps(_p, _floats, threads, repeats);

        public void Dispose()
        {
            if (_p != null) NativeMemory.AlignedFree(_p);
            _p = null;
        }
    }

    private static double ReadGBps(float* p, long len, int threads, int repeats)
    {
        double best = double.MaxValue;
        float sink = 0;
        nint basePtr = (nint)p;
        int tasks = threads * 8;
        var partial = new float[tasks];
        for (int rep = 0; rep < repeats; rep++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                long a = len * t / tasks / 64 * 64, b = t == tasks - 1 ? len : len * (t + 1) / tasks / 64 * 64;
                float* q = (float*)basePtr;
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                long i = a;
                for (; i + 64 <= b; i += 64)
                {
                    s0 += Vector512.Load(q + i); s1 += Vector512.Load(q + i + 16);
                    s2 += Vector512.Load(q + i + 32); s3 += Vector512.Load(q + i + 48);
                }
                float tail = 0;
                for (; i < b; i++) tail += q[i];
                partial[t] = Vector512.Sum(s0 + s1 + s2 + s3) + tail;
            });
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            sink += partial.Sum();
        }
        GC.KeepAlive(sink);
        return len * 4 / best / 1e9;
    }

    /// <summary>Best-of-repeats seconds of <paramref name="body"/> after one warm-up call.</summary>
    public static double BestSeconds(Action body, int repeats = 7)
    {
        body();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            body();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    public static float[] Random(long count, int seed)
    {
        var a = new float[count];
        var rng = new Random(seed);
        for (long i = 0; i < count; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
