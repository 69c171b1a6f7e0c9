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
        int threads = Math.Max(1, HonestyEngine.Runtime.Numerics.Gemm.Threads);
        if (threads == 1 || count == 1 || costPerItem * count < 200_000)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        int chunks = Math.Min(count, threads * 4);
        try
        {
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
            {
                int start = (int)((long)count * chunk / chunks), end = (int)((long)count * (chunk + 1) / chunks);
                for (int i = start; i < end; i++) body(i);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the item's own error (e.g. NonFiniteValueException), as the inline path does.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
