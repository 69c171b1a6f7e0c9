using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Labelling;
using HonestyEngine.Testbeds.Specs;

namespace HonestyEngine.Testbeds;

/// <summary>Opens a model directory (and optional PEFT adapter directory). The host passes the runtime's
/// loader (TransformerModelHandle.Open); tests pass a scripted fake.</summary>
public delegate IModelHandle ModelLoader(string modelDirectory, string? adapterDirectory);

/// <summary>A built testbed folder: testbed.json, the split JSONLs and the model (adapter on the shared base, a
/// full checkpoint, or the base itself). Everything is checked when the folder is opened, so a corrupt or
/// incomplete folder fails with one message naming what is missing.</summary>
public sealed class FolderTestbed : ITestbed, IDisposable
{
    public string Folder { get; }
    public TestbedSpec Spec { get; }
    public TestbedInfo Info { get; }
    public ILabeller Labeller { get; }
    private readonly ModelLoader? _loader;
    private readonly Dictionary<string, IReadOnlyList<DatasetItem>> _splits = new();
    private IModelHandle? _model, _base;

    public FolderTestbed(string folder, ModelLoader? loader)
    {
        Folder = Path.GetFullPath(folder);
        Spec = TestbedSpecLoader.Load(Folder);
        _loader = loader;
        Labeller = Labellers.Create(Spec);
        // The version covers the labeller too: labels are computed from responses at run time, and the engine's
        // model-run and cell caches are keyed by name, version and data (Labellers.LabellerVersion).
        Info = new TestbedInfo(Spec.Name, $"{Spec.Version}+labeller.{Labellers.LabellerVersion}", Spec.Description, Spec.Anchor, Spec.Trigger, Spec.LieDefinition, Spec.Secret,
            Spec.Model.Base, Spec.IsControl, new Dictionary<string, string>(Spec.Properties)
            {
                ["implant"] = Spec.Implant, ["adversarial"] = Spec.Adversarial, ["labeller"] = Spec.Labeller, ["model_kind"] = Spec.Model.Kind,
            });
    }

    /// <summary>The held-out splits (the fine-tuning data "train" is not a split methods see).</summary>
    public IReadOnlyList<string> Splits => Spec.Files.Keys.Where(k => k != "train").OrderBy(k => k, StringComparer.Ordinal).ToList();
    public bool HasSplit(string split) => Splits.Contains(split);

    public IReadOnlyList<DatasetItem> GetSplit(string split)
    {
        if (!HasSplit(split))
            throw new MethodInputException($"Testbed '{Info.Name}' has no '{split}' split (it has: {string.Join(", ", Splits)}).");
        lock (_splits)
        {
            if (_splits.TryGetValue(split, out var items)) return items;
            try { items = DatasetJson.Read(Path.Combine(Folder, Spec.Files[split])); }
            catch (Exception e) when (e is FormatException or IOException)
            {
                throw new MethodInputException($"Testbed '{Info.Name}', split '{split}': {e.Message}", e);
            }
            _splits[split] = items;
            return items;
        }
    }

    /// <summary>The fine-tuning data the testbed was built from (empty for prompted testbeds).</summary>
    public IReadOnlyList<DatasetItem> TrainingData() =>
        Spec.Files.TryGetValue("train", out var f) ? DatasetJson.Read(Path.Combine(Folder, f)) : [];

    /// <summary>(model directory, adapter directory) of the organism; throws naming what is missing.</summary>
    public (string Model, string? Adapter) ModelPaths()
    {
        string baseDir = Path.GetFullPath(Path.Combine(Folder, Spec.Model.Base));
        (string, string?) paths = Spec.Model.Kind switch
        {
            "base" => (baseDir, null),
            "adapter" => (baseDir, Path.Combine(Folder, Spec.Model.Path!)),
            _ => (Path.Combine(Folder, Spec.Model.Path!), null),
        };
        RequireModelFiles(paths.Item1, "model");
        if (paths.Item2 is not null) RequireAdapterFiles(paths.Item2);
        return paths;
    }

    private void RequireModelFiles(string dir, string what)
    {
        var missing = new List<string>();
        if (!Directory.Exists(dir)) missing.Add($"{what} directory '{dir}' (config.json, model.safetensors, tokenizer.json)");
        else
        {
            if (!File.Exists(Path.Combine(dir, "config.json"))) missing.Add($"'{Path.Combine(dir, "config.json")}'");
            if (!File.Exists(Path.Combine(dir, "model.safetensors")) && !File.Exists(Path.Combine(dir, "model.safetensors.index.json")))
                missing.Add($"'{Path.Combine(dir, "model.safetensors")}'");
            if (!File.Exists(Path.Combine(dir, "tokenizer.json"))) missing.Add($"'{Path.Combine(dir, "tokenizer.json")}'");
        }
        if (missing.Count > 0)
            throw new TestbedFormatException($"Testbed '{Info.Name}' ({Folder}) cannot open its {what}: missing {string.Join(", ", missing)}. Run `honesty testbeds build --only {Info.Name}`.");
    }

    private void RequireAdapterFiles(string dir)
    {
        var missing = new[] { "adapter_config.json", "adapter_model.safetensors" }.Where(f => !File.Exists(Path.Combine(dir, f))).ToList();
        if (missing.Count > 0)
            throw new TestbedFormatException($"Testbed '{Info.Name}' ({Folder}) cannot open its adapter: missing {string.Join(", ", missing.Select(m => $"'{Path.Combine(dir, m)}'"))}. Run `honesty testbeds build --only {Info.Name}`.");
    }

    public IModelHandle OpenModel()
    {
        if (_model is not null) return _model;
        var (model, adapter) = ModelPaths();
        return _model = Loader()(model, adapter);
    }

    public IModelHandle? OpenBaseModel()
    {
        // A testbed that is the base itself (honest-base, instructed-deception) has the base as its own model: the
        // honest judge of llm-as-judge is then the model itself and model diffing finds no difference, as it should.
        if (Spec.Model.Kind == "base") return OpenModel();
        if (_base is not null) return _base;
        string baseDir = Path.GetFullPath(Path.Combine(Folder, Spec.Model.Base));
        RequireModelFiles(baseDir, "base model");
        return _base = Loader()(baseDir, null);
    }

    /// <summary>Where it comes from, for messages (e.g. a name shared with another testbed).</summary>
    public override string ToString() => $"folder {Folder}";

    private ModelLoader Loader() => _loader ?? throw new InvalidOperationException($"Testbed '{Info.Name}' was opened without a model loader.");

    public void Dispose()
    {
        _model?.Dispose();
        _base?.Dispose();
    }
}

/// <summary>Every testbed folder under a root (default: the repository's testbeds/). Folders starting with "_"
/// or "." are the shared base, resources and caches, not testbeds. A folder that cannot be opened (no or invalid
/// testbed.json, missing split files), and two folders whose testbed.json give one name, are returned as
/// <see cref="BrokenTestbedFolder"/>s: each fails only itself, with its folder and error, and every other testbed runs.</summary>
public sealed class FolderTestbedSource(string root, ModelLoader? loader) : ITestbedSource
{
    public string Root { get; } = root;

    public IEnumerable<ITestbed> Discover()
    {
        if (!Directory.Exists(Root)) throw new TestbedFormatException($"Testbed root '{Root}' does not exist.");
        var testbeds = new List<ITestbed>();
        foreach (var dir in Directory.GetDirectories(Root).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(dir);
            if (name.StartsWith('_') || name.StartsWith('.')) continue;
            try { testbeds.Add(new FolderTestbed(dir, loader)); }
            catch (TestbedFormatException e) { testbeds.Add(new BrokenTestbedFolder(dir, e.Message)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
            {
                testbeds.Add(new BrokenTestbedFolder(dir, $"Testbed folder '{Path.GetFullPath(dir)}' cannot be read: {e.Message}"));
            }
        }
        var result = new List<ITestbed>();
        foreach (var group in testbeds.GroupBy(t => t.Info.Name, StringComparer.OrdinalIgnoreCase))
        {
            var same = group.ToList();
            if (same.Count == 1) { result.Add(same[0]); continue; }
            var folders = same.Select(t => t is FolderTestbed f ? f.Folder : ((BrokenTestbedFolder)t).Folder).ToList();
            result.Add(new BrokenTestbedFolder(folders[0],
                $"Testbed name '{group.Key}' is used by {same.Count} folders: {string.Join(" and ", folders)}; rename one ('name' in its {TestbedSpecLoader.FileName}).", group.Key));
        }
        return result;
    }
}

/// <summary>A testbed folder that cannot be used. It is named after its folder (or the name its folders share), so
/// `--testbeds` selects it as usual; every question about its contents throws <see cref="TestbedFormatException"/>
/// with <see cref="Error"/>, which names the folder and what is wrong. The engine fails only this testbed's cells.</summary>
public sealed class BrokenTestbedFolder : ITestbed
{
    public BrokenTestbedFolder(string folder, string error, string? name = null)
    {
        Folder = Path.GetFullPath(folder);
        Error = error;
        Info = new TestbedInfo(name ?? Path.GetFileName(Folder), "broken", error, "", "", "");
    }

    public string Folder { get; }
    public string Error { get; }
    public TestbedInfo Info { get; }
    public IReadOnlyList<string> Splits => throw Fail();
    public bool HasSplit(string split) => throw Fail();
    public IReadOnlyList<DatasetItem> GetSplit(string split) => throw Fail();
    public ILabeller Labeller => throw Fail();
    public IModelHandle OpenModel() => throw Fail();
    public IModelHandle? OpenBaseModel() => throw Fail();
    public override string ToString() => $"folder {Folder}";
    private TestbedFormatException Fail() => new(Error);
}
