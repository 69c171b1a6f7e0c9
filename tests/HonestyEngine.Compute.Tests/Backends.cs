using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Cpu;
using HonestyEngine.Compute.Ilgpu;

namespace HonestyEngine.Compute.Tests;

/// <summary>Every backend a kernel test runs on (ILGPU's style: write a kernel test once, run it on every accelerator):
/// the SIMD CPU backend, and the ILGPU backend on each accelerator in both kernel shapes, so the GPU shape (warp per row
/// pair, shuffle reductions, shared-memory Gram tiles) is exercised on ILGPU's CPU accelerator in CI. CUDA and OpenCL
/// device 0 are always in the list; where one is absent its rows are skipped with the reason (Xunit.SkippableFact), so
/// a GPU machine runs the same suite with nothing to change.</summary>
public static class Backends
{
    private static readonly string[] Accelerators = [IlgpuDevices.CpuId, "cuda:0", "opencl:0"];

    /// <summary>Backends with the whole <see cref="IActivationCompute"/> contract.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { "cpu", "cpu-1thread" };
        foreach (var name in IlgpuNames()) data.Add(name);
        return data;
    }

    /// <summary>The ILGPU backend only (operations outside the contract, such as bfloat16 scoring).</summary>
    public static TheoryData<string> Ilgpu()
    {
        var data = new TheoryData<string>();
        foreach (var name in IlgpuNames()) data.Add(name);
        return data;
    }

    public static IEnumerable<string> IlgpuNames()
        => Accelerators.SelectMany(id => new[] { $"{id}/rows", $"{id}/warps" });

    public static IActivationCompute Create(string name) => name switch
    {
        "cpu" => new CpuActivationCompute(),
        "cpu-1thread" => new CpuActivationCompute(threads: 1),
        _ => CreateIlgpu(name),
    };

    /// <summary>"ilgpu-cpu/rows", "cuda:0/warps", ...: skips the test (with the reason) when the accelerator is absent.</summary>
    public static IlgpuActivationCompute CreateIlgpu(string name)
    {
        var parts = name.Split('/');
        if (parts.Length != 2) throw new ArgumentException(name);
        var shape = parts[1] switch
        {
            "rows" => KernelShape.RowPerThread,
            "warps" => KernelShape.WarpPerRow,
            _ => throw new ArgumentException(name),
        };
        Skip.If(IlgpuDevices.Find(parts[0]) is null, Absent(parts[0]));
        return new IlgpuActivationCompute(parts[0], shape);
    }

    private static string Absent(string id)
        => $"{id} is absent on this machine: " + (id.StartsWith("cuda", StringComparison.Ordinal)
            ? IlgpuDevices.CudaProblem ?? "ILGPU lists fewer CUDA devices"
            : IlgpuDevices.OpenClProblem ?? "ILGPU lists fewer OpenCL devices");
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
