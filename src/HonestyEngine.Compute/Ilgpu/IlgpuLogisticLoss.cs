using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Logistic;
using ILGPU;
using ILGPU.Runtime;

namespace HonestyEngine.Compute.Ilgpu;

/// <summary>Logistic loss and gradient on the accelerator, the OpenCL backend's three-kernel pass in ILGPU: z = x w (the
/// projection kernel with one probe), per-sample loss and residual r = sigmoid(z + b) - y
/// (<see cref="IlgpuKernels.LogisticResidual"/>), gradient X^T r in row slices (<see cref="IlgpuKernels.XtVectorPartial{T, TFormat}"/>).
/// x and y stay resident; per evaluation only w goes up, and n + n + slices x d floats come back, which the host sums in
/// float64 before the L-BFGS update (d numbers). x is float32 or bfloat16 (the kernels widen as they read).</summary>
internal sealed class IlgpuLogisticLoss : ILogisticLoss, IDisposable
{
    private readonly IlgpuActivationCompute _backend;
    private readonly IlgpuAccelerator _device;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _x;
    private readonly MemoryBuffer1D<ushort, Stride1D.Dense>? _xBf16;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _y, _w, _z, _r, _partial, _noBias;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _loss;
    private readonly int _n, _d, _slices, _rowsPerSlice;
    private readonly float[] _wHost, _rHost, _partialHost;
    private readonly double[] _lossHost;

    public IlgpuLogisticLoss(IlgpuActivationCompute backend, ReadOnlySpan<float> x, int n, int d, ReadOnlySpan<float> y)
        : this(backend, n, d, y)
    {
        lock (_device.Sync) _x = _device.Upload(x);
    }

    public IlgpuLogisticLoss(IlgpuActivationCompute backend, ReadOnlySpan<BFloat16> x, int n, int d, ReadOnlySpan<float> y)
        : this(backend, n, d, y)
    {
        lock (_device.Sync) _xBf16 = _device.Upload(MemoryMarshal.Cast<BFloat16, ushort>(x));
    }

    private IlgpuLogisticLoss(IlgpuActivationCompute backend, int n, int d, ReadOnlySpan<float> y)
    {
        _backend = backend; _device = backend.Device; _n = n; _d = d;
        (_slices, _rowsPerSlice) = IlgpuActivationCompute.RowSlices(n);
        lock (_device.Sync)
        {
            _y = _device.Upload(y);
            _w = _device.Allocate<float>(d);
            _z = _device.Allocate<float>(n);
            _r = _device.Allocate<float>(n);
            _loss = _device.Allocate<double>(n);
            _partial = _device.Allocate<float>((long)_slices * d);
            _noBias = _device.Allocate<float>(1);
        }
        _wHost = new float[d]; _lossHost = new double[n]; _rHost = new float[n]; _partialHost = new float[_slices * d];
    }

    public int Dimension => _d;

    public double Evaluate(ReadOnlySpan<double> w, double b, Span<double> gradW, out double gradB)
    {
        for (int i = 0; i < _d; i++) _wHost[i] = (float)w[i];
        var shape = _backend.Shape;
        lock (_device.Sync)
        {
            ((ArrayView<float>)_w.View).CopyFromCPU(new ReadOnlySpan<float>(_wHost));
            if (_x is not null)
            {
                _device.Project(shape, _x.View, _n, _d, _w.View, 1, _noBias.View, false, _z.View);
                _device.Residual(_z.View, _y.View, _n, (float)b, _r.View, _loss.View);
                _device.XtVector(_x.View, _n, _d, _r.View, _slices, _rowsPerSlice, _partial.View);
            }
            else
            {
                _device.Project(shape, _xBf16!.View, _n, _d, _w.View, 1, _noBias.View, false, _z.View);
                _device.Residual(_z.View, _y.View, _n, (float)b, _r.View, _loss.View);
                _device.XtVector(_xBf16.View, _n, _d, _r.View, _slices, _rowsPerSlice, _partial.View);
            }
            _device.Download(_loss, _lossHost);
            _device.Download(_r, _rHost);
            _device.Download(_partial, _partialHost);
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
        lock (_device.Sync)
        {
            _x?.Dispose();
            _xBf16?.Dispose();
            foreach (var buffer in new[] { _y, _w, _z, _r, _partial, _noBias }) buffer.Dispose();
            _loss.Dispose();
        }
    }
}
