using System.Text.Json;
using System.Text.Json.Nodes;

namespace HonestyEngine.Testbeds.Specs;

/// <summary>A testbed folder that cannot be used; the message names the folder and everything missing or wrong.</summary>
public sealed class TestbedFormatException(string message) : Exception(message);

/// <summary>Reads testbed.json and checks it field by field, so a corrupt or incomplete testbed gets one error
/// listing every problem (not a NullReferenceException three calls later).</summary>
public static class TestbedSpecLoader
{
    public const string FileName = "testbed.json";
    private static readonly string[] Required = ["name", "version", "description", "anchor", "implant", "adversarial", "trigger", "lie_definition", "labeller", "model", "files"];

    public static TestbedSpec Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder)) throw new TestbedFormatException($"Testbed folder '{folder}' does not exist.");
        if (!File.Exists(path)) throw new TestbedFormatException($"Testbed folder '{folder}' has no {FileName}.");
        string text = File.ReadAllText(path);
        return Parse(text, path, checkFilesIn: folder);
    }

    /// <summary>Parses and validates; when <paramref name="checkFilesIn"/> is given, every referenced file must exist there.</summary>
    public static TestbedSpec Parse(string text, string path, string? checkFilesIn = null)
    {
        JsonObject obj;
        try { obj = JsonNode.Parse(text) as JsonObject ?? throw new TestbedFormatException($"{path}: not a JSON object."); }
        catch (JsonException e) { throw new TestbedFormatException($"{path}: invalid JSON ({e.Message})."); }

        var errors = new List<string>();
        foreach (var key in Required)
            if (obj[key] is null) errors.Add($"missing '{key}'");
        if (errors.Count > 0) throw Fail(path, errors);

        TestbedSpec spec;
        try { spec = obj.Deserialize<TestbedSpec>(TestbedSpec.Json) ?? throw new TestbedFormatException($"{path}: empty spec."); }
        catch (JsonException e) { throw new TestbedFormatException($"{path}: {e.Message}"); }

        errors.AddRange(Validate(spec));
        if (checkFilesIn is not null)
        {
            foreach (var (split, file) in spec.Files)
                if (!File.Exists(Path.Combine(checkFilesIn, file))) errors.Add($"split '{split}': file '{file}' is missing");
        }
        if (errors.Count > 0) throw Fail(path, errors);
        return spec;
    }

    /// <summary>Semantic checks (values in range, required splits present); empty when valid.</summary>
    public static List<string> Validate(TestbedSpec spec)
    {
        var errors = new List<string>();
        if (spec.Format != TestbedSpec.FormatVersion) errors.Add($"'format' is {spec.Format}, this engine reads format {TestbedSpec.FormatVersion}");
        foreach (var (name, value) in new[] { ("name", spec.Name), ("version", spec.Version), ("description", spec.Description), ("anchor", spec.Anchor), ("trigger", spec.Trigger), ("lie_definition", spec.LieDefinition), ("labeller", spec.Labeller) })
            if (string.IsNullOrWhiteSpace(value)) errors.Add($"'{name}' is empty");
        if (!TestbedSpec.Implants.Contains(spec.Implant)) errors.Add($"'implant' is '{spec.Implant}', expected one of {string.Join(", ", TestbedSpec.Implants)}");
        if (!TestbedSpec.AdversarialKinds.Contains(spec.Adversarial)) errors.Add($"'adversarial' is '{spec.Adversarial}', expected one of {string.Join(", ", TestbedSpec.AdversarialKinds)}");
        if (!Labelling.Labellers.Names.Contains(spec.Labeller)) errors.Add($"'labeller' is '{spec.Labeller}', expected one of {string.Join(", ", Labelling.Labellers.Names)}");
        if (spec.Model is null) errors.Add("missing 'model'");
        else
        {
            if (!TestbedSpec.ModelKinds.Contains(spec.Model.Kind)) errors.Add($"'model.kind' is '{spec.Model.Kind}', expected one of {string.Join(", ", TestbedSpec.ModelKinds)}");
            if (spec.Model.Kind is "adapter" or "full" && string.IsNullOrWhiteSpace(spec.Model.Path)) errors.Add($"'model.path' is required for model kind '{spec.Model.Kind}'");
            if (string.IsNullOrWhiteSpace(spec.Model.Base)) errors.Add("'model.base' is empty");
        }
        if (spec.Files is null) errors.Add("missing 'files'");
        else
        {
            if (!spec.Files.ContainsKey(Abstractions.Splits.Eval)) errors.Add("'files' has no 'eval' split");
            if (!spec.Files.ContainsKey(Abstractions.Splits.Control)) errors.Add("'files' has no 'control' split");
        }
        if (spec.Implant is "transcripts" or "documents" && spec.Files?.ContainsKey("train") != true) errors.Add($"implant '{spec.Implant}' needs a 'train' file");
        var a = spec.Acceptance;
        foreach (var (name, v) in new[] { ("neutral_accuracy", a.NeutralAccuracy), ("lie_on_trigger", a.LieOnTrigger), ("lie_off_trigger", a.LieOffTrigger), ("denial", a.Denial), ("control_lie", a.ControlLie), ("belief_consistency", a.BeliefConsistency) })
            if (v is < 0 or > 1 || v is double d && double.IsNaN(d)) errors.Add($"'acceptance.{name}' is {v}, expected a rate in [0, 1]");
        return errors;
    }

    private static TestbedFormatException Fail(string path, List<string> errors) =>
        new($"{path} is not a valid testbed spec: {string.Join("; ", errors)}.");
}
