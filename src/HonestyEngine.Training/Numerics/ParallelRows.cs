using HonestyEngine.Runtime.Numerics;

namespace HonestyEngine.Training.Numerics;

/// <summary>Splits independent work items over the cores. Each item is owned by one thread and
/// items never share outputs, so results are identical for any thread count (determinism).
/// Small jobs run inline: thread hand-off costs more than it saves below ~100k flops.</summary>
internal static class ParallelRows
{
    /// <param name="count">number of independent items</param>
    /// <param name="costPerItem">rough flops per item, to decide whether threads pay off</param>
    public static void For(int count, long costPerItem, Action<int> body)
    {
        if (count <= 0) return;
        // The runtime's GEMM thread count: the host lowers it when several cells train or run side by side.
        int threads = Math.Max(1, Gemm.Threads);
        if (threads == 1 || count == 1 || costPerItem * count < 200_000)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        // One contiguous range per thread on the runtime's spinning workers: training steps issue thousands of these
        // short loops, and a thread-pool hand-off per loop cost as much as the work.
        int parts = Math.Min(count, threads);
        SpinningWorkers.For(parts, part =>
        {
            int start = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
            for (int i = start; i < end; i++) body(i);
        });
    }
}
