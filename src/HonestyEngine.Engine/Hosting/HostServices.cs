using HonestyEngine.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Engine.Hosting;

/// <summary>The concrete services the host composes (the CLI passes the real compute backend, activation
/// store and resource catalog; tests pass test implementations). The engine itself depends only on the
/// contract interfaces.</summary>
public sealed record HostServices(IActivationCompute Compute, IActivationProvider Activations, IResourceCatalog Resources)
{
    /// <summary>Testbed sources the host provides (the built-in folder testbeds); plugins may add more.</summary>
    public IReadOnlyList<ITestbedSource> TestbedSources { get; init; } = [];

    /// <summary>Extra registrations every plugin's container gets. Methods can resolve everything registered here
    /// (<see cref="MethodContext.Services"/>), so it must hold nothing that reaches testbeds or their data (this record,
    /// testbed sources, the plugin catalog): contract 2.0 gives methods only what a deployed method would see
    /// (tests/HonestyEngine.Engine.Tests GroundTruthSpyTests).</summary>
    public Action<IServiceCollection>? Configure { get; init; }

    /// <summary>A container with the host services (compute, activations, resources; never the testbeds); plugin
    /// modules add theirs on top.</summary>
    public IServiceCollection CreateCollection()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Compute);
        services.AddSingleton(Activations);
        services.AddSingleton(Resources);
        Configure?.Invoke(services);
        return services;
    }

    /// <summary>Services whose every use fails with a message naming what is missing, so a method that needs
    /// them fails its own cell with that message instead of the host refusing to start.</summary>
    public static HostServices Unavailable(string why) =>
        new(new UnavailableCompute(why), new UnavailableActivations(why), new EmptyResourceCatalog());
}
