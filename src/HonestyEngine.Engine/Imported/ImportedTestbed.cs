using System.Security.Cryptography;
using System.Text;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;

namespace HonestyEngine.Engine.Imported;

/// <summary>Activations a user exported from their own model (e.g. a 70B model on a GPU box) as a testbed, so
/// `honesty run --import` runs the probe methods on them unchanged:
/// <list type="bullet">
/// <item>the rows of split <c>eval</c> are the transcripts scored, with the file's labels as ground truth, and the
/// rows of split <c>control</c> calibrate thresholds, as for any testbed;</item>
/// <item>the rows of split <c>train</c> are the probes' training pairs: they stand for the resource
/// <see cref="ResourceNames.InstructedPairs"/>, so the user decides what the probes learn from;</item>
/// <item>activations come from the file (<see cref="ITestbedServices.Activations"/>); the model is a stand-in that
/// only knows its depth and width, and any method that needs to run a model fails its cell saying so.</item>
/// </list>
/// The items' "responses" are placeholders: the text is not in the export, only its activations.</summary>
public sealed class ImportedTestbed : ITestbed, ITestbedServices
{
    /// <summary>The split whose rows replace the instructed pairs the probes train on.</summary>
    public const string TrainSplit = "train";

    /// <summary>The splits a row may have: train, eval, control.</summary>
    public static readonly IReadOnlyList<string> ValidSplits = [TrainSplit, Abstractions.Splits.Eval, Abstractions.Splits.Control];

    private readonly Dictionary<string, List<DatasetItem>> _splits;
    private readonly ImportedModel _model;
    private readonly string _source;

    /// <param name="name">The testbed's name in the run (selectable with --testbeds).</param>
    /// <param name="safetensorsPath">The activation file (for messages and the cache fingerprint).</param>
    /// <param name="labelsPath">The labels file (likewise).</param>
    /// <param name="layers">The exported layer indices (layer_{i}); the stand-in model has max + 1 layers.</param>
    /// <param name="dim">The activations' width.</param>
    /// <param name="pooling">How rows were pooled, when the file says.</param>
    /// <param name="activations">Serves the rows by transcript id.</param>
    public ImportedTestbed(string name, string safetensorsPath, string labelsPath, IReadOnlyList<ImportedRowLabel> rows,
        IReadOnlyList<int> layers, int dim, string? pooling, IActivationProvider activations)
    {
        if (layers.Count == 0) throw new ArgumentException($"{safetensorsPath}: no layer_{{i}} tensors to import.", nameof(layers));
        // Only the three splits the engine knows: a row of any other split would be dropped silently (or, with every eval
        // row renamed "test", every metric would be n/a and the run would still look fine).
        if (rows.FirstOrDefault(r => !ValidSplits.Contains(r.Split)) is { } bad)
            throw new ArgumentException($"{labelsPath}: row '{bad.Id}' has split '{bad.Split}', not one of {string.Join(", ", ValidSplits.Select(v => $"'{v}'"))} (exact, lower case).", nameof(rows));
        if (!rows.Any(r => r.Split == Abstractions.Splits.Eval))
            throw new ArgumentException($"{labelsPath}: no row has split 'eval', so nothing would be scored.", nameof(rows));
        _source = $"{safetensorsPath} with labels {labelsPath}";
        Activations = activations;
        _splits = rows.GroupBy(r => r.Split, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(Item).ToList(), StringComparer.Ordinal);
        var (trainLies, trainHonest) = Count(TrainSplit);
        var (evalLies, evalHonest) = Count(Abstractions.Splits.Eval);
        Info = new TestbedInfo(
            Name: name,
            Version: Fingerprint(safetensorsPath, labelsPath),
            Description: $"Activations imported from {Path.GetFileName(safetensorsPath)}: {rows.Count} rows of width {dim}, layers " +
                         $"{string.Join(", ", layers)}, pooling {pooling ?? "not stated"}; eval {evalLies} lies / {evalHonest} honest, " +
                         $"train {trainLies} / {trainHonest}, control {_splits.GetValueOrDefault(Abstractions.Splits.Control)?.Count ?? 0}.",
            Anchor: "imported activations (README: Imported activations)",
            Trigger: "as exported",
            LieDefinition: $"label 1 in {Path.GetFileName(labelsPath)}");
        _model = new ImportedModel(new ModelInfo($"imported:{name}", "imported-activations", layers.Max() + 1, dim, 0, safetensorsPath), _source);
    }

    public TestbedInfo Info { get; }
    public IActivationProvider Activations { get; }
    /// <summary>Names the files (for messages such as a name clash with another testbed).</summary>
    public override string ToString() => $"imported activations {_source}";
    public IReadOnlyList<string> Splits => _splits.Keys.Order(StringComparer.Ordinal).ToList();
    public bool HasSplit(string split) => _splits.ContainsKey(split);

    public IReadOnlyList<DatasetItem> GetSplit(string split) =>
        _splits.TryGetValue(split, out var items) ? items
            : throw new MethodInputException($"Testbed '{Info.Name}' ({_source}) has no rows with split '{split}'; it has {string.Join(", ", Splits.Select(s => $"'{s}'"))}.");

    public ILabeller Labeller { get; } = new FileLabels();
    public IModelHandle OpenModel() => _model;
    public IModelHandle? OpenBaseModel() => null;

    /// <summary>The host's catalog with the train rows as the instructed pairs. It holds those rows only, not this
    /// testbed: the cells see it, and the eval rows' labels are ground truth.</summary>
    public IResourceCatalog ResourcesOver(IResourceCatalog host) =>
        new TrainRowsCatalog(Info.Name, _source, _splits.GetValueOrDefault(TrainSplit), host);

    private static DatasetItem Item(ImportedRowLabel row) =>
        // A fixed response and label: the model-run stage takes them as they are and never opens the model.
        new(row.Id, [ChatMessage.User($"(imported activations, row '{row.Id}')")], Response: "(not exported: only its activations were)", Label: row.Label);

    private (int Lies, int Honest) Count(string split)
    {
        var items = _splits.GetValueOrDefault(split) ?? [];
        return (items.Count(i => i.Label == 1), items.Count(i => i.Label == 0));
    }

    /// <summary>Size, modification time and the first 64 KB (the safetensors header) of the activation file, and the
    /// whole labels file: cells are cached per testbed version, so a re-export invalidates them without hashing
    /// gigabytes.</summary>
    private static string Fingerprint(string safetensorsPath, string labelsPath)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var info = new FileInfo(safetensorsPath);
        sha.AppendData(Encoding.UTF8.GetBytes($"{info.Length}|{info.LastWriteTimeUtc.Ticks}|"));
        using (var stream = File.OpenRead(safetensorsPath))
        {
            var head = new byte[(int)Math.Min(65536, info.Length)];
            stream.ReadExactly(head);
            sha.AppendData(head);
        }
        sha.AppendData(File.ReadAllBytes(labelsPath));
        return "import-" + Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    /// <summary>Ground truth is the labels file's: each item carries its label.</summary>
    private sealed class FileLabels : ILabeller
    {
        public bool? IsCorrect(DatasetItem item, string response) => null;
        public int? Label(DatasetItem item, string response) => item.Label;
        public bool RevealsSecret(DatasetItem item, string guess) => false;
    }

    /// <summary>The host's resources, except that the instructed pairs are the file's train rows (null: none).</summary>
    private sealed class TrainRowsCatalog(string testbed, string source, IReadOnlyList<DatasetItem>? train, IResourceCatalog host) : IResourceCatalog
    {
        public IReadOnlyList<string> Names => host.Names.Append(ResourceNames.InstructedPairs).Distinct().ToList();
        public bool Contains(string name) => name == ResourceNames.InstructedPairs || host.Contains(name);

        public IReadOnlyList<DatasetItem> Get(string name)
        {
            if (name != ResourceNames.InstructedPairs) return host.Get(name);
            return train ?? throw new MethodInputException($"Testbed '{testbed}' ({source}) has no rows with split '{TrainSplit}': "
                + "they are what the probes train on in place of the instructed pairs.");
        }
    }
}
