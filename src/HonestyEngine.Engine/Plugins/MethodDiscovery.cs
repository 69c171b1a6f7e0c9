using System.Globalization;
using System.Reflection;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Plugins;

/// <summary>Finds method classes in an assembly: public, non-abstract, [Method], implementing exactly one of
/// IDetector / IIntervention / IElicitor. A class that is marked but unusable becomes a warning, not a crash.</summary>
public static class MethodDiscovery
{
    public static MethodDescriptor? TryDescribe(Type type, IServiceProvider services, PluginInfo? plugin, out string? problem)
    {
        problem = null;
        var attribute = type.GetCustomAttribute<MethodAttribute>(inherit: false);
        if (attribute is null) return null;
        string where = $"{type.FullName}";
        if (!type.IsPublic || type.IsAbstract || type.IsGenericTypeDefinition)
        {
            problem = $"[Method(\"{attribute.Name}\")] on {where} ignored: the class must be public, non-abstract and non-generic.";
            return null;
        }
        if (string.IsNullOrWhiteSpace(attribute.Name))
        {
            problem = $"[Method] on {where} has an empty name.";
            return null;
        }
        var kinds = new List<MethodKind>();
        if (typeof(IDetector).IsAssignableFrom(type)) kinds.Add(MethodKind.Detector);
        if (typeof(IIntervention).IsAssignableFrom(type)) kinds.Add(MethodKind.Intervention);
        if (typeof(IElicitor).IsAssignableFrom(type)) kinds.Add(MethodKind.Elicitor);
        if (kinds.Count != 1)
        {
            problem = kinds.Count == 0
                ? $"Method '{attribute.Name}' ({where}) implements none of IDetector, IIntervention, IElicitor."
                : $"Method '{attribute.Name}' ({where}) implements several of IDetector, IIntervention, IElicitor; pick one.";
            return null;
        }
        var parameters = new List<MethodParameter>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var values = property.GetCustomAttribute<ParamsAttribute>();
            var quick = property.GetCustomAttribute<QuickParamsAttribute>();
            if (values is null && quick is null) continue;
            if (property.SetMethod is not { IsPublic: true })
            {
                problem = $"Method '{attribute.Name}': parameter {property.Name} has [Params] but no public setter.";
                return null;
            }
            try
            {
                var full = Convert(values?.Values ?? quick!.Values, property, attribute.Name);
                var quickValues = quick is not null ? Convert(quick.Values, property, attribute.Name) : full.Take(1).ToList();
                if (full.Count == 0) throw new InvalidOperationException($"Method '{attribute.Name}': [Params] on {property.Name} lists no values.");
                parameters.Add(new MethodParameter(property, full, quickValues));
            }
            catch (InvalidOperationException e)
            {
                problem = e.Message;
                return null;
            }
        }
        return new MethodDescriptor
        {
            Type = type,
            Attribute = attribute,
            Kind = kinds[0],
            Parameters = parameters,
            RequiresPrivilegedLabels = type.GetCustomAttribute<RequiresPrivilegedLabelsAttribute>() is not null,
            Plugin = plugin,
            Services = services,
        };
    }

    private static List<object?> Convert(object[] values, PropertyInfo property, string method)
    {
        var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var result = new List<object?>(values.Length);
        foreach (var v in values)
        {
            try
            {
                if (v is null) result.Add(null);
                else if (target.IsInstanceOfType(v)) result.Add(v);
                else if (target.IsEnum) result.Add(v is string s ? Enum.Parse(target, s, ignoreCase: true) : Enum.ToObject(target, v));
                else result.Add(System.Convert.ChangeType(v, target, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException)
            {
                throw new InvalidOperationException(
                    $"Method '{method}': [Params] value {(v is string text ? $"\"{text}\"" : FormatValue(v))} cannot be converted to {property.PropertyType.Name} for parameter {property.Name}.");
            }
        }
        return result;
    }

    /// <summary>Invariant text of a parameter value (as it appears in method names and cache keys).</summary>
    public static string FormatValue(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
