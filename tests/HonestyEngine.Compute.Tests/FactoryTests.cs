using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;

namespace HonestyEngine.Compute.Tests;

public class FactoryTests
{
    [Fact]
    public void Cpu_is_the_default()
    {
        Assert.IsType<CpuActivationCompute>(ComputeBackendFactory.Create(null, _ => { }));
        Assert.IsType<CpuActivationCompute>(ComputeBackendFactory.Create("cpu", _ => { }));
    }

    [Fact]
    public void Unknown_device_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("tpu", _ => { }));
        Assert.Contains("Unknown device 'tpu': expected cpu, cuda, cuda:N, opencl or opencl:N", e.Message);
        e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("opencl:x", _ => { }));
        Assert.Contains("opencl:x", e.Message);
        e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("cuda:-1", _ => { }));
        Assert.Contains("cuda:-1", e.Message);
    }

    [Theory]
    [InlineData("cuda:7")]
    [InlineData("opencl:7")]
    public void A_device_that_is_not_present_is_a_one_line_error_listing_what_ILGPU_sees(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create(device, _ => { }));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"Device '{device}' is not present. ILGPU sees: ", e.Message);
        Assert.Contains($"{IlgpuDevices.CpuId} (CPU accelerator)", e.Message);
        foreach (var d in IlgpuDevices.All) Assert.Contains(d.Id, e.Message);
        if (IlgpuDevices.CudaProblem is { } cuda) Assert.Contains("no CUDA device: " + cuda, e.Message);
        if (IlgpuDevices.OpenClProblem is { } cl) Assert.Contains("no OpenCL device: " + cl, e.Message);
    }

    [Fact]
    public void Cuda_and_opencl_without_a_number_mean_device_0()
    {
        Assert.Equal("cuda:0", ComputeBackendFactory.Normalise("CUDA", "cuda"));
        Assert.Equal("opencl:0", ComputeBackendFactory.Normalise("opencl", "opencl"));
        Assert.Equal("opencl:2", ComputeBackendFactory.Normalise("opencl:2", "opencl:2"));
        if (IlgpuDevices.Find("cuda:0") is null)
        {
            var e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("cuda", _ => { }));
            Assert.StartsWith("Device 'cuda:0' is not present.", e.Message);
        }
    }

    [Fact]
    public void Ilgpu_cpu_selects_the_CPU_accelerator_in_its_shape_and_says_it_is_for_tests()
    {
        var warnings = new List<string>();
        var backend = Assert.IsType<IlgpuActivationCompute>(ComputeBackendFactory.Create("ilgpu-cpu", warnings.Add));
        Assert.Equal(KernelShape.RowPerThread, backend.Shape);
        Assert.StartsWith("ilgpu-cpu CPU accelerator", backend.Name);
        Assert.Contains("for tests", Assert.Single(warnings));
    }

    [Fact]
    public void ListDevices_names_the_cpu_every_accelerator_and_why_cuda_or_opencl_is_missing()
    {
        var lines = ComputeBackendFactory.ListDevices();
        Assert.StartsWith("cpu", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("ilgpu-cpu  CPU accelerator"));
        Assert.Contains(lines, l => l.StartsWith(IlgpuDevices.CudaProblem is null ? "cuda:0 " : "cuda: none ("));
        Assert.Contains(lines, l => l.StartsWith(IlgpuDevices.OpenClProblem is null ? "opencl:0 " : "opencl: none ("));
    }

    [SkippableFact]
    public void Gpus_get_the_warp_shape()
    {
        var gpu = IlgpuDevices.All.FirstOrDefault(d => d.IsGpu);
        Skip.If(gpu is null, "no GPU accelerator on this machine: " + (IlgpuDevices.CudaProblem ?? IlgpuDevices.OpenClProblem));
        var backend = Assert.IsType<IlgpuActivationCompute>(ComputeBackendFactory.Create(gpu!.Id, _ => throw new Exception("no warning expected")));
        Assert.Equal(KernelShape.WarpPerRow, backend.Shape);
        Assert.Contains(gpu.Name, backend.Name);
    }
}
