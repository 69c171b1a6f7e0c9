namespace HonestyEngine.Runtime.Tests;

/// <summary>Test classes that change the process-wide GEMM settings (<c>Gemm.Provider</c>, <c>Gemm.Threads</c>) or
/// compare two forward passes for exact equality share this collection, so xunit never runs them at the same time:
/// a provider switched by one class mid-way through another's pair of runs changes float summation order.</summary>
[CollectionDefinition(Name)]
public sealed class GlobalGemmSettings
{
    public const string Name = "Process-wide GEMM settings";
}
