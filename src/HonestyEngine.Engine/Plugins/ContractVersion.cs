using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Plugins;

/// <summary>Checks, before loading anything, which contract version a plugin was compiled against
/// (read from its assembly references in the PE metadata). A different major version means the
/// interfaces may differ: the plugin is refused with both versions named.</summary>
internal static class ContractVersion
{
    public const string ContractAssemblyName = "HonestyEngine.Abstractions";

    public static Version Host { get; } = typeof(IMethod).Assembly.GetName().Version ?? new Version(0, 0);

    /// <summary>The contract version the assembly at <paramref name="path"/> references, or null if it does not reference the contract.</summary>
    public static Version? ReferencedBy(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) throw new BadImageFormatException($"{path} is not a .NET assembly (no metadata).");
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(handle);
            if (reader.GetString(reference.Name) == ContractAssemblyName) return reference.Version;
        }
        return null;
    }

    /// <summary>Null when compatible, else the error to report.</summary>
    public static string? Check(string pluginName, string path) => Check(pluginName, path, ReferencedBy(path));

    /// <summary>Null when a plugin at <paramref name="path"/> that references contract <paramref name="referenced"/>
    /// (null: none) can load in this host, else the error to report, naming both versions.</summary>
    internal static string? Check(string pluginName, string path, Version? referenced)
    {
        if (referenced is null)
            return $"Plugin '{pluginName}' ({path}) does not reference {ContractAssemblyName}: it cannot contain methods.";
        if (referenced.Major != Host.Major)
            return $"Plugin '{pluginName}' was built against {ContractAssemblyName} {referenced}, but this host provides {Host} " +
                   $"(major versions {referenced.Major} and {Host.Major} differ). Rebuild the plugin against this host's contract.";
        return null;
    }
}
