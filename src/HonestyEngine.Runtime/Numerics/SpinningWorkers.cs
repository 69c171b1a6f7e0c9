using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace HonestyEngine.Runtime.Numerics;

/// <summary>Fork-join for the runtime's hot loops on dedicated threads that spin briefly after each job before
/// they sleep, as BLAS libraries keep their threads. A forward pass of a small model issues hundreds of 20-200 us
/// GEMMs; waking a thread-pool worker per call (Parallel.For) measured ~100 us, which made 2-thread GEMMs of
/// testbed-size layers (128x256x256) 2.2x slower than one thread. Only one caller at a time uses the workers; a
/// concurrent or nested caller (another cell of a run, a call from inside a job) falls back to Parallel.For, so
/// nothing can deadlock.</summary>
public static class SpinningWorkers
{
    /// <summary>How long an idle worker spins for the next job before it blocks (a forward pass's non-GEMM work
    /// between two products is shorter than this; a longer idle period costs no CPU).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000; // 200 us

    private sealed class Worker
    {
        public int Posted;                 // job number posted by the caller
        public volatile int Finished;      // job number this worker completed
        public int Sleeping;               // 1 while blocked on Wake
        public Action<int>? Body;
        public int Part;
        public Exception? Error;
        public readonly SemaphoreSlim Wake = new(0);
    }

    private static Worker[] _workers = [];
    private static int _busy;

    /// <summary>Runs body(0..parts-1), part 0 on the calling thread, and returns when all have finished; the first
    /// exception of any part is rethrown here.</summary>
    public static void For(int parts, Action<int> body)
    {
        if (parts <= 1) { if (parts == 1) body(0); return; }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            try { Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, body); }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); // same exception as the worker path
            }
            return;
        }
        try
        {
            var workers = EnsureWorkers(parts - 1);
            for (int w = 0; w < parts - 1; w++)
            {
                var wk = workers[w];
                wk.Body = body; wk.Part = w + 1; wk.Error = null;
                Interlocked.Increment(ref wk.Posted); // full fence: pairs with the worker's Sleeping exchange
                if (Volatile.Read(ref wk.Sleeping) == 1) wk.Wake.Release();
            }
            Exception? first = null;
            try { body(0); }
            catch (Exception e) { first = e; }
            for (int w = 0; w < parts - 1; w++)
            {
                var wk = workers[w];
                var spin = new SpinWait();
                while (wk.Finished != Volatile.Read(ref wk.Posted)) spin.SpinOnce(sleep1Threshold: -1);
                first ??= wk.Error;
                wk.Body = null;
            }
            if (first is not null) ExceptionDispatchInfo.Capture(first).Throw();
        }
        finally { Volatile.Write(ref _busy, 0); }
    }

    private static Worker[] EnsureWorkers(int n)
    {
        if (_workers.Length >= n) return _workers;
        var list = _workers.ToList();
        while (list.Count < n)
        {
            var wk = new Worker();
            new Thread(() => Loop(wk)) { IsBackground = true, Name = $"HonestyEngine compute {list.Count + 1}" }.Start();
            list.Add(wk);
        }
        return _workers = list.ToArray();
    }

    private static void Loop(Worker wk)
    {
        int done = 0;
        while (true)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref wk.Posted) == done)
            {
                if (Stopwatch.GetTimestamp() < spinUntil) { Thread.SpinWait(16); continue; }
                Interlocked.Exchange(ref wk.Sleeping, 1); // full fence before re-reading Posted
                if (Volatile.Read(ref wk.Posted) == done) wk.Wake.Wait(50);
                Interlocked.Exchange(ref wk.Sleeping, 0);
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
            done = Volatile.Read(ref wk.Posted);
            try { wk.Body!(wk.Part); }
            catch (Exception e) { wk.Error = e; }
            finally { wk.Finished = done; }
        }
    }
}
