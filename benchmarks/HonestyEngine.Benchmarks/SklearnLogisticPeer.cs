using System.Diagnostics;
using System.Text.Json;

namespace HonestyEngine.Benchmarks;

/// <summary>scikit-learn's LogisticRegression as a long-lived peer process (benchmarks/python/sklearn_logistic.py):
/// it loads the data once, then fits once per <see cref="Fit"/>, so the benchmark can alternate engine and
/// scikit-learn fits and both see the same machine load (on this shared machine one side's single run can land in a
/// quiet or a busy second).</summary>
internal sealed class SklearnLogisticPeer : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private SklearnLogisticPeer(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts the peer on the files the caller wrote and waits until it has loaded them; null (with the
    /// peer's error printed) when it fails to start.</summary>
    public static SklearnLogisticPeer? Start(string xPath, string yPath, int n, int d, int nTrain, double c, int maxIter, double tol, int threads)
    {
        string script = Path.Combine(LogisticBenchmark.RepoRoot(), "benchmarks", "python", "sklearn_logistic.py");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var psi = new ProcessStartInfo("/usr/bin/python3",
            [script, xPath, yPath, n.ToString(inv), d.ToString(inv), nTrain.ToString(inv), c.ToString("R", inv), maxIter.ToString(inv), tol.ToString("R", inv)])
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        // Same thread count on both sides (numpy/scipy's BLAS reads these at start-up).
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(inv);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(inv);
        var peer = new SklearnLogisticPeer(Process.Start(psi)!);
        if (peer.ReadLine() is null)
        {
            peer.Dispose();
            return null;
        }
        return peer;
    }

    /// <summary>One fit: fit_seconds, cpu_seconds, n_iter, accuracies, objective, converged; null if the peer died.</summary>
    public JsonElement? Fit()
    {
        _process.StandardInput.WriteLine("fit");
        _process.StandardInput.Flush();
        return ReadLine();
    }

    private JsonElement? ReadLine()
    {
        string? line = _process.StandardOutput.ReadLine();
        if (line is not null) return JsonDocument.Parse(line).RootElement.Clone();
        _process.WaitForExit();
        Console.Error.WriteLine($"scikit-learn peer exited (code {_process.ExitCode}):\n{_stderr.Result}");
        return null;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) { _process.StandardInput.Close(); _process.WaitForExit(10_000); }
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
    }
}
