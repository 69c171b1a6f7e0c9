using System.Security.Cryptography;
using System.Text;
using HonestyEngine.Engine.Plugins;

namespace HonestyEngine.Engine.Matrix;

/// <summary>A method with one concrete assignment of its [Params]: one row of the run matrix.</summary>
public sealed class MethodVariant
{
    public MethodVariant(MethodDescriptor method, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        Method = method;
        Parameters = parameters;
        ParameterText = parameters.ToDictionary(p => p.Key, p => MethodDiscovery.FormatValue(p.Value));
        DisplayName = (parameters.Count == 0
            ? method.Name
            : $"{method.Name}({string.Join(", ", parameters.Select(p => $"{p.Key}={MethodDiscovery.FormatValue(p.Value)}"))})")
            + (method.RequiresPrivilegedLabels ? PrivilegedSuffix : "");
    }

    /// <summary>Appended to the name of a method that sees the eval labels, so every table and report says so.</summary>
    public const string PrivilegedSuffix = " [privileged labels]";

    public MethodDescriptor Method { get; }
    /// <summary>Parameter values in parameter-name order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; }
    public IReadOnlyDictionary<string, string> ParameterText { get; }
    /// <summary>"Name" or "Name(Layer=2, Pooling=mean)" (plus <see cref="PrivilegedSuffix"/>): the method column of samples.jsonl and the reports.</summary>
    public string DisplayName { get; }

    /// <summary>Method identity for cache keys: name, version and parameters (not the plugin's file version,
    /// so rebuilding a plugin without bumping <c>[Method(Version=..)]</c> keeps its cells).</summary>
    public string KeyMaterial => $"{Method.Name}|v{Method.Version}|{string.Join(";", ParameterText.Select(p => $"{p.Key}={p.Value}"))}";

    /// <summary>Creates the method instance with its parameters set.</summary>
    public object CreateInstance()
    {
        var instance = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance(Method.Services, Method.Type);
        foreach (var parameter in Method.Parameters)
        {
            var value = Parameters.First(p => p.Key == parameter.Name).Value;
            parameter.Property.SetValue(instance, value);
        }
        return instance;
    }

    public override string ToString() => DisplayName;

    internal static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
