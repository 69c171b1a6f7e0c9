using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Common;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Compute.Store;

/// <summary>One labelled row of an imported activation file.</summary>
public sealed record ImportedRow(string Id, int? Label, string Split);

/// <summary>Activations produced elsewhere (e.g. a 70B model on a GPU box), in the documented layout:
/// <list type="bullet">
/// <item>a safetensors file with one tensor <c>layer_{i}</c> of shape [N, d] per exported layer (F32, F16 or
/// BF16), where <c>layer_{i}</c> is the output of decoder layer i, i.e. TransformerLens
/// <c>blocks.{i}.hook_resid_post</c> = Hugging Face <c>output_hidden_states[i + 1]</c>, already pooled per
/// transcript; optional <c>__metadata__</c> {"pooling": "last"|"mean", "model": ...};</item>
/// <item>a labels JSONL file with N lines, line r describing row r: <c>{"id": "...", "label": 0|1|null, "split": "train"|"eval"|"control"}</c>
/// (the split is required, exactly one of those three, and some row must be "eval").</item>
/// </list>
/// The file is memory-mapped; layers are converted to float32 on demand and checked for NaN/Inf.</summary>
public sealed class ImportedActivations : IDisposable
{
    private readonly ImportedLayers _layers;

    public string Path => _layers.Path;
    public string LabelsPath => _layers.LabelsPath;
    public IReadOnlyList<int> Layers => _layers.Layers;
    public IReadOnlyList<ImportedRow> Rows { get; }
    public int Dim => _layers.Dim;
    /// <summary>The pooling named in the file's metadata, or null if it does not say.</summary>
    public string? Pooling => _layers.Pooling;

    /// <summary>The activations without the labels: what <see cref="ImportedActivationProvider"/> keeps, since the
    /// methods reach it (the labels are ground truth).</summary>
    internal ImportedLayers Activations => _layers;

    private ImportedActivations(SafeTensorsFile file, string labelsPath, Dictionary<int, string> tensorByLayer, List<ImportedRow> rows, int dim)
    {
        _layers = new ImportedLayers(file, labelsPath, tensorByLayer, rows.Select(r => r.Id).ToArray(), dim);
        Rows = rows;
    }

    /// <summary>Opens and validates the pair; every problem names the file (and line or tensor).</summary>
    public static ImportedActivations Open(string safetensorsPath, string labelsPath)
    {
        var rows = ReadLabels(labelsPath);
        var file = SafeTensorsFile.Open(safetensorsPath);
        try
        {
            var layers = new Dictionary<int, string>();
            int dim = -1;
            foreach (var (name, info) in file.Tensors)
            {
                if (!name.StartsWith("layer_", StringComparison.Ordinal)) continue;
                if (!int.TryParse(name.AsSpan(6), out int layer) || layer < 0)
                    throw new InvalidDataException($"{file.Path}: tensor '{name}' is not named layer_{{i}} with i a layer number.");
                if (info.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
                    throw new InvalidDataException($"{file.Path}: tensor '{name}' is {info.DType.HeaderName()}; activations must be F32, F16 or BF16.");
                if (info.Shape.Length != 2 || info.Shape[0] != rows.Count)
                    throw new InvalidDataException($"{file.Path}: tensor '{name}' has shape {info.ShapeText}; expected [{rows.Count}, d] " +
                                                   $"({rows.Count} rows, one per line of {labelsPath}).");
                if (dim >= 0 && info.Shape[1] != dim)
                    throw new InvalidDataException($"{file.Path}: tensor '{name}' has width {info.Shape[1]} but other layers have {dim}.");
                dim = (int)info.Shape[1];
                layers[layer] = name;
            }
            if (layers.Count == 0)
                throw new InvalidDataException($"{file.Path}: no layer_{{i}} tensors (found: {string.Join(", ", file.Tensors.Keys.Take(10))}).");
            if (!rows.Any(r => r.Split == Splits.Eval))
                throw new InvalidDataException($"{labelsPath}: no row has split 'eval', so nothing would be scored ({rows.Count(r => r.Split == "train")} train, {rows.Count(r => r.Split == Splits.Control)} control rows).");
            return new ImportedActivations(file, System.IO.Path.GetFullPath(labelsPath), layers, rows, dim);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Layer <paramref name="layer"/> as float32 [N, d]; NaN/Inf are reported with id, row and column.</summary>
    public Tensor Layer(int layer) => _layers.Layer(layer);

    /// <summary>Layer <paramref name="layer"/> as bfloat16 [N, d] (see <see cref="ImportedLayers.LayerBFloat16"/>).</summary>
    public BFloat16[] LayerBFloat16(int layer) => _layers.LayerBFloat16(layer);

    /// <summary>Row indices of a split, in file order.</summary>
    public int[] RowsOf(string split) => Enumerable.Range(0, Rows.Count).Where(i => Rows[i].Split == split).ToArray();

    /// <summary>Row of an id, or -1.</summary>
    public int RowOf(string id) => _layers.RowOf(id);

    public void Dispose() => _layers.Dispose();

    /// <summary>The splits a labels line may name: the rows probes train on, the rows scored, the rows that calibrate
    /// thresholds. Anything else (a "test" split, "Eval") would be dropped or scored as something it is not.</summary>
    public static readonly IReadOnlyList<string> ValidSplits = ["train", Splits.Eval, Splits.Control];
    private static string SplitList => string.Join(", ", ValidSplits.Select(v => $"\"{v}\""));

    /// <summary>The file's lines (split as File.ReadLines does), refusing bytes that are not UTF-8 with the line they
    /// are on: File.ReadLines would replace them with U+FFFD and the row would load with another id.</summary>
    private static IEnumerable<string> StrictLines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        string text;
        try { text = strict.GetString(bytes, start, bytes.Length - start); }
        catch (System.Text.DecoderFallbackException)
        {
            int line = 1;
            for (int i = start; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n') { line++; continue; }
                int end = Array.IndexOf(bytes, (byte)'\n', i);
                if (end < 0) end = bytes.Length;
                try { strict.GetString(bytes, i, end - i); }
                catch (System.Text.DecoderFallbackException) { break; }
                i = end - 1;
            }
            throw new InvalidDataException($"{path}:{line}: not valid UTF-8.");
        }
        using var reader = new StringReader(text);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine()) yield return line;
    }

    private static List<ImportedRow> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: labels file not found.", path);
        var rows = new List<ImportedRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in StrictLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement e;
            try { e = JsonDocument.Parse(line).RootElement; }
            catch (JsonException ex) { throw new InvalidDataException($"{path}:{lineNo}: not valid JSON ({ex.Message}).", ex); }
            if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}:{lineNo}: expected a JSON object.");
            string id = e.TryGetProperty("id", out var idEl) && idEl.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? idEl.ToString() : throw new InvalidDataException($"{path}:{lineNo}: missing \"id\" (string).");
            if (!seen.Add(id)) throw new InvalidDataException($"{path}:{lineNo}: id '{id}' appears twice.");
            int? label = null;
            if (e.TryGetProperty("label", out var l) && l.ValueKind != JsonValueKind.Null)
            {
                if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out int v) || v is not (0 or 1))
                    throw new InvalidDataException($"{path}:{lineNo}: label must be 0, 1 or null, got {l.GetRawText()}.");
                label = v;
            }
            if (!e.TryGetProperty("split", out var s))
                throw new InvalidDataException($"{path}:{lineNo}: missing \"split\" (one of {SplitList}).");
            string split = s.ValueKind == JsonValueKind.String && ValidSplits.Contains(s.GetString()!) ? s.GetString()!
                : throw new InvalidDataException($"{path}:{lineNo}: split {(s.ValueKind == JsonValueKind.String ? $"'{s.GetString()}'" : s.GetRawText())} is not one of {SplitList} (exact, lower case).");
            rows.Add(new ImportedRow(id, label, split));
        }
        if (rows.Count == 0) throw new InvalidDataException($"{path}: no rows.");
        return rows;
    }
}

/// <summary>The activation side of an import: the memory-mapped tensors and the row ids, without the labels.</summary>
internal sealed class ImportedLayers : IDisposable
{
    private readonly SafeTensorsFile _file;
    private readonly Dictionary<int, string> _tensorByLayer;
    private readonly Dictionary<string, int> _rowById;
    private readonly string[] _ids;

    public string Path => _file.Path;
    public string LabelsPath { get; }
    public IReadOnlyList<int> Layers { get; }
    public int Dim { get; }
    public string? Pooling { get; }

    public ImportedLayers(SafeTensorsFile file, string labelsPath, Dictionary<int, string> tensorByLayer, string[] ids, int dim)
    {
        _file = file; LabelsPath = labelsPath; _tensorByLayer = tensorByLayer; _ids = ids; Dim = dim;
        Layers = tensorByLayer.Keys.Order().ToList();
        _rowById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++) _rowById[ids[i]] = i;
        Pooling = file.Metadata.TryGetValue("pooling", out var p) ? p : null;
    }

    /// <summary>Layer <paramref name="layer"/> as float32 [N, d]; NaN/Inf are reported with id, row and column.</summary>
    public Tensor Layer(int layer)
    {
        string name = TensorOf(layer);
        var t = _file.ReadTensor(name);
        int bad = Finite.FirstNonFinite(t.Data);
        if (bad >= 0) throw NonFinite(name, bad, t.Data[bad]);
        return t;
    }

    /// <summary>Layer <paramref name="layer"/> as bfloat16 [N, d], for <see cref="IActivationCompute.FitLogistic(ReadOnlySpan{BFloat16}, int, int, ReadOnlySpan{float}, LogisticOptions)"/>:
    /// a BF16 export is copied as stored (half the memory of float32, and each pass of the fit reads half the bytes);
    /// an F32 or F16 export is rounded to bfloat16. NaN/Inf are reported as by <see cref="Layer"/>.</summary>
    public BFloat16[] LayerBFloat16(int layer)
    {
        string name = TensorOf(layer);
        BFloat16[] values;
        if (_file.Info(name).DType == SafeTensorDType.BF16)
            values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, BFloat16>(_file.GetBytes(name)).ToArray();
        else
        {
            var wide = Layer(layer).Data;
            values = new BFloat16[wide.Length];
            BFloat16.FromSingle(wide, values);
        }
        int bad = BFloat16.FirstNonFinite(values);
        if (bad >= 0) throw NonFinite(name, bad, (float)values[bad]);
        return values;
    }

    private string TensorOf(int layer) => _tensorByLayer.TryGetValue(layer, out var name) ? name
        : throw new MethodInputException($"{Path}: layer {layer} was not exported; available layers: {string.Join(", ", Layers)}.");

    private MethodInputException NonFinite(string tensor, int index, float value)
        => new($"{Path}: tensor '{tensor}' contains {Finite.Describe(value)} at row {index / Dim} " +
               $"(id '{_ids[index / Dim]}'), column {index % Dim}.");

    /// <summary>Row of an id, or -1.</summary>
    public int RowOf(string id) => _rowById.TryGetValue(id, out int r) ? r : -1;

    public void Dispose() => _file.Dispose();
}

/// <summary>Serves imported activations to the methods unchanged: <see cref="Get"/> looks each transcript up
/// by id, and hook <c>blocks.{i}.hook_resid_post</c> reads <c>layer_{i}</c>. The model handle is not run.</summary>
public sealed class ImportedActivationProvider(ImportedActivations imported) : IActivationProvider
{
    // The activations only: the methods reach this provider, and the rows' labels are ground truth.
    private readonly ImportedLayers data = imported.Activations;

    public Tensor Get(IModelHandle model, IReadOnlyList<Transcript> transcripts, string hook, string pooling = "last")
        => Select(transcripts.Select(t => t.Id).ToList(), hook, pooling);

    public Tensor GetForPrompts(IModelHandle model, IReadOnlyList<Prompt> prompts, string hook, string pooling = "last")
        => throw new MethodInputException($"Imported activations ({data.Path}) cover only the transcripts listed in {data.LabelsPath}; " +
                                          "this method needs activations for new prompts, which requires running the model.");

    private Tensor Select(IReadOnlyList<string> ids, string hook, string pooling)
    {
        if (!HookNames.TryParseBlock(hook, out int layer, out string point) || point != "hook_resid_post")
            throw new MethodInputException($"Imported activations ({data.Path}) hold residual-stream outputs (blocks.{{i}}.hook_resid_post); '{hook}' is not one.");
        if (data.Pooling is not null && data.Pooling != pooling)
            throw new MethodInputException($"Imported activations ({data.Path}) were pooled with '{data.Pooling}' but the method asks for '{pooling}'.");
        var missing = ids.Where(id => data.RowOf(id) < 0).ToList();
        if (missing.Count > 0)
            throw new MethodInputException($"{missing.Count} transcript(s) are not in {data.LabelsPath}, e.g. {string.Join(", ", missing.Take(3).Select(m => $"'{m}'"))}.");
        var all = data.Layer(layer);
        var result = new Tensor([ids.Count, data.Dim]);
        for (int i = 0; i < ids.Count; i++) all.ReadRow(data.RowOf(ids[i])).CopyTo(result.Row(i));
        return result;
    }
}
