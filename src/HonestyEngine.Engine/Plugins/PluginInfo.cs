namespace HonestyEngine.Engine.Plugins;

/// <summary>A plugin folder as found on disk: loaded (with its methods) or not (with the reason).</summary>
public sealed class PluginInfo
{
    public required string Name { get; init; }
    public required string Folder { get; init; }
    /// <summary>The main assembly's informational (or assembly) version; "" when it could not be read.</summary>
    public string Version { get; internal set; } = "";
    /// <summary>Why the plugin was refused or could not be loaded; null when it loaded.</summary>
    public string? Error { get; internal set; }
    /// <summary>Problems that did not stop the plugin (a [Method] class that could not be used, a shadowed copy).</summary>
    public List<string> Warnings { get; } = [];
    public List<MethodDescriptor> Methods { get; } = [];
    public int TestbedSourceCount { get; internal set; }
    public bool Loaded => Error is null;
}
