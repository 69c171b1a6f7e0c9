using System.Reflection;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Plugins;

/// <summary>A discovered method class: what <c>honesty list</c> shows and what the run matrix expands.</summary>
public sealed class MethodDescriptor
{
    public required Type Type { get; init; }
    public required MethodAttribute Attribute { get; init; }
    public required MethodKind Kind { get; init; }
    /// <summary>[Params] properties, ordered by name so cache keys do not depend on reflection order.</summary>
    public required IReadOnlyList<MethodParameter> Parameters { get; init; }
    public bool RequiresPrivilegedLabels { get; init; }
    /// <summary>The plugin that provided it (null for methods registered by the host itself, e.g. in tests).</summary>
    public PluginInfo? Plugin { get; init; }
    /// <summary>The plugin's service provider (host services plus what its <see cref="IPluginModule"/>s registered).</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>A reference row computed by the engine itself (<see cref="Results.ReferenceRows"/>): reported, never ranked.</summary>
    public bool IsReference { get; init; }

    /// <summary>The row's <see cref="Results.CellRole"/>.</summary>
    public string Role => IsReference ? Results.CellRole.Reference : RequiresPrivilegedLabels ? Results.CellRole.Privileged : Results.CellRole.Method;

    public string Name => Attribute.Name;
    public string Family => Attribute.Family;
    public string Version => Attribute.Version;
    public string KindName => KindToString(Kind);

    public static string KindToString(MethodKind kind) => kind switch
    {
        MethodKind.Detector => "detector",
        MethodKind.Intervention => "intervention",
        MethodKind.Elicitor => "elicitor",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A BenchmarkDotNet-style parameter: each value becomes its own matrix row.</summary>
public sealed record MethodParameter(PropertyInfo Property, IReadOnlyList<object?> Values, IReadOnlyList<object?> QuickValues)
{
    public string Name => Property.Name;
}
