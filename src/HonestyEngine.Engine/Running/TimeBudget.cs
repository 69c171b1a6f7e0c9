namespace HonestyEngine.Engine.Running;

/// <summary>Runs method code on its own thread with a deadline. On expiry the cell's token is cancelled and,
/// after a short grace period, the host stops waiting: a method that ignores cancellation (or hangs in native
/// code) is abandoned rather than allowed to hang the run.</summary>
internal static class TimeBudget
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public sealed class ExceededException(TimeSpan budget, bool stopped)
        : Exception(stopped
            ? $"ran past its time budget of {budget.TotalSeconds:0.#} s and was cancelled."
            : $"ran past its time budget of {budget.TotalSeconds:0.#} s; it was cancelled but did not stop within {Grace.TotalSeconds:0} s and was abandoned.");

    public static T Run<T>(Func<CancellationToken, T> body, TimeSpan budget, CancellationToken runToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        var task = Task.Factory.StartNew(() => body(cts.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool finished;
        try
        {
            finished = task.Wait(budget, runToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        if (finished) return task.Result;

        cts.Cancel();
        bool stopped = SpinWait.SpinUntil(() => task.IsCompleted, Grace);
        // Observe a late failure of an abandoned method so it does not surface as an unobserved task exception.
        _ = task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        runToken.ThrowIfCancellationRequested();
        throw new ExceededException(budget, stopped);
    }
}
