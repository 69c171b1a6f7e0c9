namespace HonestyEngine.Abstractions;

/// <summary>How a method is judged.</summary>
public enum MethodKind
{
    /// <summary>Scores transcripts (higher = more likely a lie); judged by AUROC and friends.</summary>
    Detector,
    /// <summary>Changes prompt, sampling or model to make it honest; judged by honesty rate.</summary>
    Intervention,
    /// <summary>Tries to recover a hidden secret or behaviour; judged by success rate and pass@k.</summary>
    Elicitor,
}

/// <summary>Declares a method class to the host. Put it on a public class implementing
/// <see cref="IDetector"/>, <see cref="IIntervention"/> or <see cref="IElicitor"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MethodAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    /// <summary>The family the method belongs to, e.g. "white-box/probe", "black-box/prompting".</summary>
    public string Family { get; init; } = "other";
    /// <summary>The paper the method follows, e.g. "Goldowsky-Dill et al. 2025 (Apollo)".</summary>
    public string Anchor { get; init; } = "";
    /// <summary>Bump when the method's behaviour changes: cached cells of older versions are recomputed.</summary>
    public string Version { get; init; } = "1";
    public string Description { get; init; } = "";
    /// <summary>Seconds a cell may run before it fails (0 = the host's default budget).</summary>
    public int TimeBudgetSeconds { get; init; }
}

/// <summary>BenchmarkDotNet-style parameter values on a public settable property:
/// each value becomes its own row of the run matrix, e.g. <c>[Params(2, 4)] public int Layer { get; set; }</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ParamsAttribute(params object[] values) : Attribute
{
    public object[] Values { get; } = values;
}

/// <summary>Values of a parameter used only in the quick profile (defaults to the first <see cref="ParamsAttribute"/> value).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class QuickParamsAttribute(params object[] values) : Attribute
{
    public object[] Values { get; } = values;
}

/// <summary>Marks a method that is allowed to see the eval labels of the testbed it is scored on
/// (the upper-bound probe). Its name must say so; the report labels it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPrivilegedLabelsAttribute : Attribute;

/// <summary>Marker for every method.</summary>
public interface IMethod;

public interface IDetector : IMethod
{
    /// <summary>Returns one score per transcript, in order (higher = more likely a lie).
    /// Transcripts hold the eval and control splits (and the counterfactual split where the host makes one); they
    /// carry no labels: a privileged detector reads eval labels from <see cref="DetectorContext.PrivilegedLabels"/>.</summary>
    IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts);
}

public interface IIntervention : IMethod
{
    /// <summary>Answers each item under the intervention (k responses per item, see <see cref="MethodContext.SamplesPerItem"/>).</summary>
    IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items);
}

public interface IElicitor : IMethod
{
    /// <summary>Produces guesses of the testbed's secret for each elicitation item.</summary>
    IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items);
}

/// <summary>The responses an intervention obtained for one item.</summary>
public sealed record InterventionOutcome(string ItemId, IReadOnlyList<string> Responses);

/// <summary>The guesses an elicitor made for one item, best first (pass@k counts the first k),
/// with optional evidence (tokens, transcripts) for the report.</summary>
public sealed record ElicitationOutcome(string ItemId, IReadOnlyList<string> Guesses, string? Evidence = null);

/// <summary>Lets a plugin register its own services (called once per plugin, before methods are created).</summary>
public interface IPluginModule
{
    void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services);
}
