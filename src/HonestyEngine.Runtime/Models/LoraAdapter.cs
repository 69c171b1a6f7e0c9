using System.Text.Json;
using System.Text.RegularExpressions;
using HonestyEngine.Runtime.Numerics;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Models;

/// <summary>A PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors). Each targeted Linear gets
/// delta W = scaling * B A with scaling = lora_alpha / r (lora_alpha / sqrt(r) with use_rslora), as peft computes it.
/// Keys name modules of the base ("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"); a key naming a
/// module the base does not have, or a shape that does not fit it, means the adapter belongs to another base.</summary>
public sealed class LoraAdapter
{
    public string Directory { get; }
    public int Rank { get; }
    public float Alpha { get; }
    public bool UseRsLora { get; }
    public float Scale { get; }
    public IReadOnlyList<string> TargetModules { get; }
    /// <summary>Module name -> delta.</summary>
    public IReadOnlyDictionary<string, LoraDelta> Deltas { get; }

    private LoraAdapter(string dir, int rank, float alpha, bool rs, IReadOnlyList<string> targets, Dictionary<string, LoraDelta> deltas)
    {
        Directory = dir; Rank = rank; Alpha = alpha; UseRsLora = rs; TargetModules = targets; Deltas = deltas;
        Scale = rs ? alpha / MathF.Sqrt(rank) : alpha / rank;
    }

    public static LoraAdapter Load(string adapterDir, ModelConfig config, ModelWeights weights)
    {
        adapterDir = Path.GetFullPath(adapterDir);
        var cfgPath = Path.Combine(adapterDir, "adapter_config.json");
        if (!File.Exists(cfgPath)) throw new ModelConfigException($"{cfgPath}: adapter_config.json not found in the adapter folder.");
        int r; float alpha; bool rs; Targeting targeting;
        try
        {
            using var doc = JsonDocument.Parse(Text.StrictUtf8.ReadAllBytes(cfgPath, problem => new ModelConfigException($"{cfgPath}: {problem}.")));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelConfigException($"{cfgPath}: expected a JSON object.");
            string Str(string n) => root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
            if (Str("peft_type") is var pt && pt != "LORA")
                throw new ModelConfigException($"{cfgPath}: peft_type '{pt}' is not supported (only LORA).");
            if (!root.TryGetProperty("r", out var rEl) || rEl.ValueKind != JsonValueKind.Number || !rEl.TryGetInt32(out r) || r <= 0)
                throw new ModelConfigException($"{cfgPath}: missing or invalid 'r' (a positive integer).");
            alpha = root.TryGetProperty("lora_alpha", out var aEl) && aEl.ValueKind == JsonValueKind.Number ? aEl.GetSingle()
                : throw new ModelConfigException($"{cfgPath}: missing 'lora_alpha'.");
            if (!float.IsFinite(alpha)) throw new ModelConfigException($"{cfgPath}: 'lora_alpha' must be a finite number, found {aEl.GetRawText()}.");
            rs = root.TryGetProperty("use_rslora", out var rsEl) && rsEl.ValueKind == JsonValueKind.True;
            bool Flag(string n) => root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.True;
            bool NonEmpty(string n) => root.TryGetProperty(n, out var v) && v.ValueKind switch
            {
                JsonValueKind.Object => v.EnumerateObject().Any(),
                JsonValueKind.Array => v.GetArrayLength() > 0,
                JsonValueKind.Null => false,
                _ => true,
            };
            if (Flag("use_dora")) throw new ModelConfigException($"{cfgPath}: DoRA (use_dora) is not supported.");
            if (Flag("fan_in_fan_out")) throw new ModelConfigException($"{cfgPath}: fan_in_fan_out (Conv1D targets) is not supported.");
            if (NonEmpty("rank_pattern") || NonEmpty("alpha_pattern")) throw new ModelConfigException($"{cfgPath}: rank_pattern / alpha_pattern are not supported.");
            if (NonEmpty("modules_to_save")) throw new ModelConfigException($"{cfgPath}: modules_to_save is not supported.");
            if (NonEmpty("layer_replication")) throw new ModelConfigException($"{cfgPath}: layer_replication is not supported.");
            if (NonEmpty("target_parameters")) throw new ModelConfigException($"{cfgPath}: target_parameters (LoRA on parameters, not modules) is not supported.");
            if (Str("bias") is var bias && bias is not ("" or "none")) throw new ModelConfigException($"{cfgPath}: bias '{bias}' is not supported (only 'none').");
            targeting = Targeting.Parse(cfgPath, root);
        }
        catch (JsonException e) { throw new ModelConfigException($"{cfgPath}: not valid JSON ({e.Message}).", e); }

        var linears = weights.Layers.SelectMany(l => l.Linears()).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var file = Path.Combine(adapterDir, "adapter_model.safetensors");
        if (!File.Exists(file)) throw new ModelConfigException($"{file}: adapter_model.safetensors not found in the adapter folder.");
        var deltas = new Dictionary<string, LoraDelta>(StringComparer.Ordinal);
        using (var st = SafeTensorsFile.Open(file))
        {
            var problems = new List<string>();
            var modules = new List<(string Key, string KeyB, string Module, Linear Linear)>();
            const string suffixA = ".lora_A.weight", suffixB = ".lora_B.weight";
            foreach (var key in st.Tensors.Keys.Order(StringComparer.Ordinal))
            {
                if (key.EndsWith(suffixB, StringComparison.Ordinal)) continue;
                if (!key.EndsWith(suffixA, StringComparison.Ordinal)) { problems.Add($"unexpected tensor '{key}' (only lora_A / lora_B weights are supported)"); continue; }
                string module = key[..^suffixA.Length];
                if (module.StartsWith("base_model.model.", StringComparison.Ordinal)) module = module["base_model.model.".Length..];
                string keyB = key[..^suffixA.Length] + suffixB;
                if (!linears.TryGetValue(module, out var lin)) { problems.Add($"tensor '{key}' targets module '{module}', which this {config.Architecture} base does not have"); continue; }
                if (!st.Contains(keyB)) { problems.Add($"tensor '{keyB}' is missing (lora_A without lora_B)"); continue; }
                var a = st.Info(key); var b = st.Info(keyB);
                if (!a.Shape.SequenceEqual([(long)r, lin.In]) || !b.Shape.SequenceEqual([(long)lin.Out, r]))
                {
                    problems.Add($"'{module}': lora_A {a.ShapeText} / lora_B {b.ShapeText} do not fit the base layer [{lin.Out}, {lin.In}] with r={r} (expected [{r}, {lin.In}] / [{lin.Out}, {r}])");
                    continue;
                }
                modules.Add((key, keyB, module, lin));
            }
            foreach (var key in st.Tensors.Keys.Order(StringComparer.Ordinal))
                if (key.EndsWith(suffixB, StringComparison.Ordinal) && !st.Contains(key[..^suffixB.Length] + suffixA))
                    problems.Add($"tensor '{key}' has no matching lora_A");
            if (problems.Count > 0)
                throw new ModelConfigException($"{file}: this adapter does not fit the base model ({problems.Count} problem(s); is it for another base?): "
                    + string.Join("; ", problems.Take(8)) + (problems.Count > 8 ? $"; and {problems.Count - 8} more" : "") + ".");
            if (modules.Count == 0) throw new ModelConfigException($"{file}: the adapter contains no lora_A / lora_B weights.");

            // PEFT creates LoRA layers only where target_modules / layers_to_transform select a module: an adapter that
            // selects none is refused there ("Target modules ... not found in the base model"), and weights for modules
            // it does not select are left out. Both would be a different model from PEFT's, so both are errors here.
            targeting.CheckSelectsSomething(adapterDir, config, linears.Keys.ToList());
            var unselected = modules.Where(m => !targeting.Selects(m.Module)).Select(m => m.Module).ToList();
            if (unselected.Count > 0)
                throw new ModelConfigException($"{file}: {unselected.Count} module(s) have LoRA weights but {cfgPath}'s target_modules / layers_to_transform do not select them (PEFT would leave them out): "
                    + string.Join(", ", unselected.Take(6).Select(m => $"'{m}'")) + (unselected.Count > 6 ? $" and {unselected.Count - 6} more" : "") + ".");
            foreach (var m in modules)
            {
                var a = st.ReadFloat32(m.Key); var b = st.ReadFloat32(m.KeyB);
                int badA = Array.FindIndex(a, v => !float.IsFinite(v)), badB = Array.FindIndex(b, v => !float.IsFinite(v));
                if (badA >= 0 || badB >= 0)
                    throw new SafeTensorsFormatException(file, badA >= 0 ? m.Key : m.KeyB, $"contains a non-finite value ({(badA >= 0 ? a[badA] : b[badB])}) at element {(badA >= 0 ? badA : badB)}.");
                deltas[m.Module] = new LoraDelta(r, 0, a, b);
            }
        }
        var adapter = new LoraAdapter(adapterDir, r, alpha, rs, targeting.Describe(), deltas);
        foreach (var k in deltas.Keys.ToList()) deltas[k] = deltas[k] with { Scale = adapter.Scale };
        return adapter;
    }

    /// <summary>PEFT's module selection (peft.tuners.tuners_utils.check_target_module_exists): target_modules is a
    /// list of names (a module matches when its full name equals one or ends with "." + one), a regular expression
    /// matched against the whole name, or "all-linear"; layers_to_transform (an int or a list) keeps the modules of
    /// those layers, found by layers_pattern; exclude_modules removes modules in the same two forms.</summary>
    private sealed class Targeting
    {
        private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
        private string _cfgPath = "";
        private List<string>? _names;
        private Regex? _regex;
        private string _regexText = "";
        private bool _allLinear;
        private int[]? _layers;
        private List<Regex>? _layerPatterns;
        private List<string>? _excludeNames;
        private Regex? _excludeRegex;

        public static Targeting Parse(string cfgPath, JsonElement root)
        {
            var t = new Targeting { _cfgPath = cfgPath };
            JsonElement? Field(string n) => root.TryGetProperty(n, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
            switch (Field("target_modules"))
            {
                case null:
                    throw new ModelConfigException($"{cfgPath}: missing 'target_modules' (PEFT writes the list of adapted modules there).");
                case { ValueKind: JsonValueKind.String } s when s.GetString() == "all-linear":
                    t._allLinear = true; break;
                case { ValueKind: JsonValueKind.String } s:
                    t._regexText = s.GetString()!;
                    t._regex = Compile(cfgPath, "target_modules", "^(?:" + t._regexText + ")$");
                    break;
                case { ValueKind: JsonValueKind.Array } a:
                    t._names = StringList(cfgPath, "target_modules", a); break;
                case var other:
                    throw new ModelConfigException($"{cfgPath}: 'target_modules' must be a list of module names or a regular expression string, found {other.Value.GetRawText()}.");
            }
            switch (Field("layers_to_transform"))
            {
                case null: break;
                case { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out int one):
                    t._layers = [one]; break;
                case { ValueKind: JsonValueKind.Array } a:
                    t._layers = a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? i
                        : throw new ModelConfigException($"{cfgPath}: 'layers_to_transform' must be an integer or a list of integers, found {a.GetRawText()}.")).ToArray();
                    if (t._layers.Length == 0) t._layers = null; // PEFT: an empty list selects every layer
                    break;
                case var other:
                    throw new ModelConfigException($"{cfgPath}: 'layers_to_transform' must be an integer or a list of integers, found {other.Value.GetRawText()}.");
            }
            List<string>? patterns = Field("layers_pattern") switch
            {
                null => null,
                { ValueKind: JsonValueKind.String } s => [s.GetString()!],
                { ValueKind: JsonValueKind.Array } a => StringList(cfgPath, "layers_pattern", a),
                var other => throw new ModelConfigException($"{cfgPath}: 'layers_pattern' must be a string or a list of strings, found {other.Value.GetRawText()}."),
            };
            if (patterns is { Count: > 0 } && t._layers is null)
                throw new ModelConfigException($"{cfgPath}: 'layers_pattern' is set but 'layers_to_transform' is not (PEFT requires both).");
            if (t._regex is not null || t._allLinear)
            {
                if (t._layers is not null || patterns is { Count: > 0 })
                    throw new ModelConfigException($"{cfgPath}: 'layers_to_transform' / 'layers_pattern' cannot be used when 'target_modules' is a string (PEFT refuses this too).");
            }
            // PEFT: with no layers_pattern the layer index is the number after any name part (".*\.[^.]*\.(\d+)\.").
            if (t._layers is not null)
                t._layerPatterns = patterns is { Count: > 0 }
                    ? patterns.Select(p => Compile(cfgPath, "layers_pattern", $"^.*\\.{p}\\.(\\d+)\\.")).ToList()
                    : [new Regex(@"^.*\.[^.]*\.(\d+)\.", RegexOptions.CultureInvariant, RegexTimeout)];
            switch (Field("exclude_modules"))
            {
                case null: break;
                case { ValueKind: JsonValueKind.String } s: t._excludeRegex = Compile(cfgPath, "exclude_modules", "^(?:" + s.GetString() + ")$"); break;
                case { ValueKind: JsonValueKind.Array } a: t._excludeNames = StringList(cfgPath, "exclude_modules", a); break;
                case var other: throw new ModelConfigException($"{cfgPath}: 'exclude_modules' must be a list of module names or a regular expression string, found {other.Value.GetRawText()}.");
            }
            return t;
        }

        private static List<string> StringList(string cfgPath, string field, JsonElement array) =>
            array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                : throw new ModelConfigException($"{cfgPath}: '{field}' must be a list of strings, found {array.GetRawText()}.")).ToList();

        private static Regex Compile(string cfgPath, string field, string pattern)
        {
            try { return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout); }
            catch (ArgumentException e) { throw new ModelConfigException($"{cfgPath}: '{field}' is not a valid regular expression ({e.Message})."); }
        }

        private bool IsMatch(Regex regex, string name)
        {
            try { return regex.IsMatch(name); }
            catch (RegexMatchTimeoutException) { throw new ModelConfigException($"{_cfgPath}: the regular expression '{regex}' took too long to match '{name}'."); }
        }

        private static bool NameMatches(List<string> names, string module) =>
            names.Any(n => module == n || module.EndsWith("." + n, StringComparison.Ordinal));

        private bool ModuleMatches(string module) =>
            _allLinear || (_regex is not null ? IsMatch(_regex, module) : NameMatches(_names!, module));

        private int? LayerOf(string module)
        {
            foreach (var p in _layerPatterns!)
            {
                Match m;
                try { m = p.Match(module); }
                catch (RegexMatchTimeoutException) { throw new ModelConfigException($"{_cfgPath}: 'layers_pattern' took too long to match '{module}'."); }
                if (m.Success) return int.TryParse(m.Groups[1].Value, out int i) ? i : null;
            }
            return null;
        }

        private bool Excluded(string module) =>
            _excludeRegex is not null ? IsMatch(_excludeRegex, module) : _excludeNames is not null && NameMatches(_excludeNames, module);

        /// <summary>True when PEFT would put a LoRA layer on this module.</summary>
        public bool Selects(string module) =>
            ModuleMatches(module) && !Excluded(module) && (_layers is null || LayerOf(module) is { } l && _layers.Contains(l));

        /// <summary>Refuses a configuration that selects no module of the base, naming the adapter folder and the
        /// names (or layers) that match nothing.</summary>
        public void CheckSelectsSomething(string adapterDir, ModelConfig config, IReadOnlyList<string> modules)
        {
            if (modules.Any(Selects)) return;
            string available = string.Join(", ", modules.Select(m => m[(m.LastIndexOf('.') + 1)..]).Distinct().Order(StringComparer.Ordinal));
            var matching = modules.Where(m => ModuleMatches(m) && !Excluded(m)).ToList();
            if (matching.Count > 0 && _layers is not null)
                throw new ModelConfigException($"{adapterDir}: Target modules {DescribeText()} not found in the base model: layers_to_transform [{string.Join(", ", _layers)}] names no layer of this {config.NumLayers}-layer {config.Architecture} base (layers 0-{config.NumLayers - 1}), so the adapter would change nothing.");
            string unmatched = _names is not null
                ? string.Join(", ", _names.Where(n => !modules.Any(m => NameMatches([n], m))).Select(n => $"'{n}'"))
                : $"'{_regexText}'";
            if (_names is { Count: 0 }) unmatched = "the list is empty";
            else if (unmatched.Length == 0) unmatched = "none, but exclude_modules excludes every match";
            throw new ModelConfigException($"{adapterDir}: Target modules {DescribeText()} not found in the base model (adapter_config.json 'target_modules'; unmatched: {unmatched}); this {config.Architecture} base has {available}, so the adapter would change nothing.");
        }

        private string DescribeText() => _regex is not null ? $"'{_regexText}'" : "[" + string.Join(", ", Describe().Select(n => $"'{n}'")) + "]";

        public IReadOnlyList<string> Describe() => _allLinear ? ["all-linear"] : _regex is not null ? [_regexText] : _names!;
    }
    /// <summary>Attaches the deltas to their layers: unmerged (switchable per forward call) or merged into W.</summary>
    internal void Attach(ModelWeights weights, bool merge)
    {
        foreach (var lin in weights.Layers.SelectMany(l => l.Linears()))
        {
            if (!Deltas.TryGetValue(lin.Name, out var delta)) continue;
            if (!merge) { lin.Lora = delta; continue; }
            // W += scale * B A: B [out, r] times A [r, in].
            var scaledB = (float[])delta.B.Clone();
            System.Numerics.Tensors.TensorPrimitives.Multiply(scaledB, delta.Scale, scaledB);
            Gemm.Multiply(scaledB, delta.A, lin.Weight, lin.Out, lin.In, delta.Rank, accumulate: true);
        }
    }
}
