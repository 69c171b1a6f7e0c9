using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.OpenCl;

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
        var e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("cuda", _ => { }));
        Assert.Contains("expected cpu, opencl or opencl:N", e.Message);
        e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("opencl:x", _ => { }));
        Assert.Contains("opencl:x", e.Message);
    }

    [Fact]
    public void ListDevices_names_the_cpu_and_every_opencl_device_or_why_none()
    {
        var lines = ComputeBackendFactory.ListDevices();
        Assert.StartsWith("cpu", lines[0]);
        if (ComputeBackendFactory.OpenClDevices.Count == 0) Assert.Contains(lines, l => l.StartsWith("opencl: none ("));
        else Assert.Contains(lines, l => l.StartsWith("opencl:0 "));
    }

    [SkippableOpenClFact]
    public void Opencl_selects_the_device_and_its_kernel_shape()
    {
        var backend = Assert.IsType<OpenClActivationCompute>(ComputeBackendFactory.Create("opencl:0", _ => throw new Exception("no warning expected")));
        Assert.Equal(backend.Device.IsGpu ? KernelShape.GroupPerRow : KernelShape.RowPerWorkItem, backend.Shape);
        Assert.Contains(backend.Device.Name, backend.Name);
        var e = Assert.Throws<ArgumentException>(() => ComputeBackendFactory.Create("opencl:99", _ => { }));
        Assert.Contains("OpenCL device 99 does not exist", e.Message);
    }
}

public class NoOpenClTests
{
    [Fact]
    public void Without_a_platform_opencl_warns_once_and_falls_back_to_cpu()
    {
        var warnings = new List<string>();
        var a = ComputeBackendFactory.Create("opencl", warnings.Add, [], "no OpenCL platform is registered");
        var b = ComputeBackendFactory.Create("opencl:1", warnings.Add, [], "no OpenCL platform is registered");
        Assert.IsType<CpuActivationCompute>(a);
        Assert.IsType<CpuActivationCompute>(b);
        var warning = Assert.Single(warnings);
        Assert.Contains("no OpenCL platform is registered; using the CPU backend", warning);
    }
}
