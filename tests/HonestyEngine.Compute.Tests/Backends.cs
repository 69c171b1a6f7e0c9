using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.OpenCl;

namespace HonestyEngine.Compute.Tests;

/// <summary>Every backend the machine has: the CPU always; each OpenCL device (here PoCL) in both kernel
/// shapes, so the GPU shape is exercised even where only a CPU OpenCL device exists.</summary>
public static class Backends
{
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { "cpu", "cpu-1thread" };
        if (ComputeBackendFactory.OpenClDevices.Count > 0)
        {
            data.Add("opencl-rows");
            data.Add("opencl-groups");
        }
        return data;
    }

    public static IActivationCompute Create(string name) => name switch
    {
        "cpu" => new CpuActivationCompute(),
        "cpu-1thread" => new CpuActivationCompute(threads: 1),
        "opencl-rows" => new OpenClActivationCompute(0, KernelShape.RowPerWorkItem),
        "opencl-groups" => new OpenClActivationCompute(0, KernelShape.GroupPerRow),
        _ => throw new ArgumentException(name),
    };
}

/// <summary>Deterministic test data.</summary>
internal static class Data
{
    public static float[] Gaussian(int count, int seed, float scale = 1f, float offset = 0f)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            a[i] = offset + scale * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return a;
    }

    public static void AssertClose(double expected, double actual, double relTol, double absTol, string what)
    {
        double err = Math.Abs(expected - actual);
        Assert.True(err <= absTol + relTol * Math.Abs(expected), $"{what}: expected {expected}, got {actual} (error {err}).");
    }
}
