using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Logistic;

namespace HonestyEngine.Compute.OpenCl;

/// <summary>Logistic loss and gradient on the device: z = x w (projection kernel), per-sample loss and
/// residual r = sigmoid(z + b) - y (logistic_residual), gradient X^T r (xt_vector_partial, row slices).
/// x and y stay resident; per evaluation only w goes up and n + n + slices x d floats come back, which the
/// host sums in double together with the L-BFGS update (d numbers). x is float32 or bfloat16 (bf16_dot_* in
/// project.cl and bf16_xt_vector_partial in reduce.cl widen as they read).</summary>
internal sealed class OpenClLogisticLoss : ILogisticLoss, IDisposable
{
    private readonly OpenClActivationCompute _backend;
    private readonly DeviceBuffer<float>? _x;
    private readonly DeviceBuffer<BFloat16>? _xBf16;
    private readonly DeviceBuffer<float> _y, _w, _z, _r, _loss, _partial, _noBias;
    private readonly int _n, _d, _slices, _rowsPerSlice;
    private readonly float[] _wHost, _lossHost, _rHost, _partialHost;

    public OpenClLogisticLoss(OpenClActivationCompute backend, ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y)
        : this(backend, n, d, y)
    {
        _x = DeviceBuffer<float>.From(backend.Context, x, "x");
    }

    public OpenClLogisticLoss(OpenClActivationCompute backend, ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y)
        : this(backend, n, d, y)
    {
        _xBf16 = DeviceBuffer<BFloat16>.From(backend.Context, x, "x (bfloat16)");
    }

    private OpenClLogisticLoss(OpenClActivationCompute backend, int n, int d, ReadOnlySpan<float> y)
    {
        _backend = backend; _n = n; _d = d;
        var ctx = backend.Context;
        (_slices, _rowsPerSlice) = OpenClActivationCompute.RowSlices(n);
        _y = DeviceBuffer<float>.From(ctx, y, "y");
        _w = new DeviceBuffer<float>(ctx, d, "w");
        _z = new DeviceBuffer<float>(ctx, n, "z");
        _r = new DeviceBuffer<float>(ctx, n, "residual");
        _loss = new DeviceBuffer<float>(ctx, n, "loss");
        _partial = new DeviceBuffer<float>(ctx, (long)_slices * d, "gradient slices");
        _noBias = new DeviceBuffer<float>(ctx, 1, "bias");
        _wHost = new float[d]; _lossHost = new float[n]; _rHost = new float[n]; _partialHost = new float[_slices * d];
    }

    public int Dimension => _d;

    public double Evaluate(ReadOnlySpan<double> w, double b, Span<double> gradW, out double gradB)
    {
        for (int i = 0; i < _d; i++) _wHost[i] = (float)w[i];
        lock (_backend.Context.Sync)
        {
            _w.Write(_wHost);
            if (_x is not null) _backend.LaunchProjection(_x, _n, _d, _w, 1, _noBias, false, _z);
            else _backend.LaunchBf16Dot(_xBf16!, _n, _d, _w, _z);
            _backend.LaunchResidual(_z, _y, _n, (float)b, _r, _loss);
            if (_x is not null) _backend.LaunchXtVector(_x, _n, _d, _r, _slices, _rowsPerSlice, _partial);
            else _backend.LaunchBf16XtVector(_xBf16!, _n, _d, _r, _slices, _rowsPerSlice, _partial);
            _loss.Read(_lossHost);
            _r.Read(_rHost);
            _partial.Read(_partialHost);
        }
        double loss = 0, gb = 0;
        for (int i = 0; i < _n; i++) { loss += _lossHost[i]; gb += _rHost[i]; }
        gradW.Clear();
        for (int s = 0; s < _slices; s++)
            for (int j = 0; j < _d; j++) gradW[j] += _partialHost[s * _d + j];
        double invN = 1.0 / _n;
        for (int j = 0; j < _d; j++) gradW[j] *= invN;
        gradB = gb * invN;
        return loss * invN;
    }

    public void Dispose()
    {
        _x?.Dispose();
        _xBf16?.Dispose();
        foreach (var b in new[] { _y, _w, _z, _r, _loss, _partial, _noBias }) b.Dispose();
    }
}
