using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Hosting;

/// <summary>A testbed that brings its own activations and training data (activations imported from a model run
/// elsewhere): the cells on it get these instead of the host's activation store and resource catalog, so the probe
/// methods run on it unchanged.</summary>
public interface ITestbedServices
{
    IActivationProvider Activations { get; }

    /// <summary>The resource catalog the cells on this testbed see, given the host's.</summary>
    IResourceCatalog ResourcesOver(IResourceCatalog host);
}
