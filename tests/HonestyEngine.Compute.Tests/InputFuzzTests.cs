using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;
using HonestyEngine.Compute.Store;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Runtime.Tokenization;
using Xunit.Abstractions;

namespace HonestyEngine.Compute.Tests;

/// <summary>Issue 17, item 10: seeded, deterministic mutations of every input file kind the engine reads, built from
/// the small fixtures: a safetensors file, a model's config.json, a tokenizer.json, a PEFT adapter
/// (adapter_config.json + adapter_model.safetensors) and an import (acts.safetensors + labels.jsonl).
///
/// Mutations: truncation, byte flips, JSON-significant bytes, safetensors header field edits (dtype, shape,
/// data_offsets, names, metadata, the length prefix), JSON field deletions and type changes, line edits, and
/// meaning-preserving rewrites (JSON whitespace and key order, blank lines, a re-laid-out safetensors header).
///
/// Every case must end in a successful load or in one of the engine's documented exceptions whose message names the
/// file (or, for an adapter or model folder, the folder): never another exception type, never a hang (per-case
/// timeout), never a silently different result. What is checked after a successful load:
/// <list type="bullet">
/// <item>a meaning-preserving mutation: the loaded result equals the original's exactly;</item>
/// <item>any other mutation: the result is what the mutated file says, read by this test's own independent decoder
/// (safetensors: every tensor's dtype, shape and values at its declared offsets; config.json: every size, count, eps and
/// id the runtime reads equals the file's number, and a forward pass is finite; tokenizer.json: every id of the sample
/// texts is inside the vocabulary and decodes; adapter: the scale is lora_alpha / r (or / sqrt r) of the file, every
/// module with lora_A/lora_B tensors is adapted with exactly those values, all finite; import: rows (id, label, split)
/// equal an independent parse of labels.jsonl, splits are train/eval/control, and every layer equals the file's values
/// or is refused for a non-finite value naming the file).</item>
/// </list></summary>
public sealed class InputFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    private static string HfReference => Path.GetFullPath(Path.Combine(ActivationStoreTests.RepoRoot(), "..", "shared", "fixtures", "hf-reference"));
    private static string TestbedsBase => Path.Combine(ActivationStoreTests.RepoRoot(), "testbeds", "_base", "model");

    /// <summary>Outcome of one case: null when it ended well, else why not.</summary>
    private delegate string? Case(byte[] mutated, string description, bool sameMeaning);

    private sealed record Mutant(byte[] Bytes, string Description, bool SameMeaning);

    /// <summary>Runs <paramref name="cases"/> mutants, each under the timeout, and fails listing every bad case.</summary>
    private void Fuzz(string target, int cases, int seed, Func<Random, int, Mutant> mutate, Case run)
    {
        // HONESTY_FUZZ_SCALE / HONESTY_FUZZ_SEED explore further by hand (more cases, other seeds); CI runs the defaults.
        if (int.TryParse(Environment.GetEnvironmentVariable("HONESTY_FUZZ_SCALE"), out int scale) && scale > 0) cases *= scale;
        if (int.TryParse(Environment.GetEnvironmentVariable("HONESTY_FUZZ_SEED"), out int seedShift)) seed += seedShift;
        var rng = new Random(seed);
        var failures = new List<string>();
        int loaded = 0, refused = 0, same = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            var m = mutate(rng, i);
            if (m.SameMeaning) same++;
            string? problem;
            var task = Task.Run(() =>
            {
                // The loaders' exceptions are classified inside run; one escaping it was thrown while checking what a
                // loader accepted (e.g. a file that is not valid UTF-8 JSON at all), which is itself a defect.
                try { return run(m.Bytes, m.Description, m.SameMeaning); }
                catch (Exception e) { return $"the file was accepted, but reading it independently fails: {e.GetType().Name}: {e.Message}"; }
            });
            if (!task.Wait(CaseTimeout)) problem = $"did not finish within {CaseTimeout.TotalSeconds} s (hang)";
            else problem = task.Result;
            if (problem is null) loaded++;
            else if (problem.StartsWith("refused:", StringComparison.Ordinal)) refused++;
            else failures.Add($"{target} case {i} ({m.Description}): {problem}");
            if (failures.Count >= 25) break;
        }
        output.WriteLine($"{target}: {cases} cases in {clock.Elapsed.TotalSeconds:F1} s: {loaded} loaded, {refused} refused with a documented error, {same} meaning-preserving");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(refused > cases / 10, $"{target}: only {refused} of {cases} mutations were refused: the mutations are too weak");
        Assert.True(loaded > cases / 20, $"{target}: only {loaded} of {cases} mutations loaded: the meaning-preserving cases are missing");
    }

    /// <summary>Classifies an exception: a documented type whose message names the file is a refusal; anything else is a defect.</summary>
    private static string Refusal(Exception e, string mustName, params Type[] documented)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerException!;
        if (!documented.Contains(e.GetType()))
            return $"{e.GetType().Name} is not a documented error ({string.Join(", ", documented.Select(t => t.Name))}): {e.Message}\n{e.StackTrace}";
        if (!e.Message.Contains(mustName, StringComparison.Ordinal))
            return $"{e.GetType().Name} does not name '{mustName}': {e.Message}";
        return "refused: " + e.Message;
    }

    // ================================================================ mutations

    private static byte[] Truncate(byte[] b, Random rng) => b[..rng.Next(0, b.Length)];

    private static byte[] FlipBytes(byte[] b, Random rng, int from = 0, int to = -1)
    {
        var c = (byte[])b.Clone();
        if (to < 0) to = c.Length;
        if (to <= from) return c;
        for (int i = 0, n = rng.Next(1, 6); i < n; i++) c[rng.Next(from, to)] ^= (byte)rng.Next(1, 256);
        return c;
    }

    private static byte[] JsonSignificant(byte[] b, Random rng, int from = 0, int to = -1)
    {
        var c = (byte[])b.Clone();
        if (to < 0) to = c.Length;
        if (to <= from) return c;
        const string chars = "{}[],:\"0123456789-.eEtfn \\";
        for (int i = 0, n = rng.Next(1, 4); i < n; i++) c[rng.Next(from, to)] = (byte)chars[rng.Next(chars.Length)];
        return c;
    }

    /// <summary>The same JSON with another layout: compact or indented, object keys shuffled (arrays keep their order).</summary>
    private static string Reformat(JsonNode node, Random rng)
    {
        var shuffled = Shuffle(node, rng);
        return shuffled?.ToJsonString(new JsonSerializerOptions { WriteIndented = rng.Next(2) == 0, IndentSize = rng.Next(1, 5), Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null";
    }

    private static JsonNode? Shuffle(JsonNode? node, Random rng) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Shuffle(p.Value, rng))).OrderBy(_ => rng.Next()).ToList()),
        JsonArray a => new JsonArray(a.Select(e => Shuffle(e, rng)).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };

    /// <summary>A random node below the root: a walk that stops at each level with probability 0.4.</summary>
    private static (JsonNode Parent, string? Key, int Index, string Path)? PickNode(JsonNode root, Random rng)
    {
        JsonNode current = root;
        (JsonNode, string?, int, string)? picked = null;
        string path = "$";
        for (int depth = 0; depth < 12; depth++)
        {
            if (current is JsonObject o && o.Count > 0)
            {
                var key = o.ElementAt(rng.Next(o.Count)).Key;
                path += "." + key;
                picked = (o, key, -1, path);
                if (o[key] is not (JsonObject or JsonArray) || rng.NextDouble() < 0.4) break;
                current = o[key]!;
            }
            else if (current is JsonArray a && a.Count > 0)
            {
                int i = rng.Next(a.Count);
                path += $"[{i}]";
                picked = (a, null, i, path);
                if (a[i] is not (JsonObject or JsonArray) || rng.NextDouble() < 0.4) break;
                current = a[i]!;
            }
            else break;
        }
        return picked;
    }

    /// <summary>Deletes a field or changes its value or type. Returns the description.</summary>
    private static string EditJson(JsonNode root, Random rng)
    {
        if (PickNode(root, rng) is not var (parent, key, index, path)) return "no node to edit";
        JsonNode? old = key is not null ? parent[key] : parent[index];
        JsonNode? replacement;
        string what;
        switch (rng.Next(12))
        {
            case 0:
            case 1:
                if (key is not null) ((JsonObject)parent).Remove(key); else ((JsonArray)parent).RemoveAt(index);
                return $"delete {path}";
            case 2: replacement = null; what = "null"; break;
            case 3: replacement = JsonValue.Create(old?.ToJsonString() ?? "x"); what = "its text as a string"; break;
            case 4: replacement = JsonValue.Create(rng.Next(-3, 3)); what = "a small integer"; break;
            case 5: replacement = new JsonArray(); what = "[]"; break;
            case 6: replacement = new JsonObject(); what = "{}"; break;
            case 7: replacement = JsonValue.Create(rng.Next(2) == 0); what = "a boolean"; break;
            case 8:
                replacement = old is JsonValue v && v.TryGetValue(out double d)
                    ? JsonNode.Parse(rng.Next(6) switch { 0 => "0", 1 => (-d).ToString("R"), 2 => (d * 1000).ToString("R"), 3 => "1e300", 4 => (d + 0.5).ToString("R"), _ => "2147483648" })
                    : JsonValue.Create(1e300);
                what = $"number edit ({replacement!.ToJsonString()})";
                break;
            case 9:
                replacement = old is JsonValue s && s.TryGetValue(out string? str)
                    ? JsonValue.Create(rng.Next(3) switch { 0 => "", 1 => str.ToUpperInvariant(), _ => str + "x" })
                    : JsonValue.Create("text");
                what = $"string edit ({replacement!.ToJsonString()})";
                break;
            case 10:
                if (old is JsonArray arr && arr.Count > 0)
                {
                    var copy = (JsonArray)arr.DeepClone();
                    if (rng.Next(2) == 0) copy.RemoveAt(rng.Next(copy.Count)); else copy.Add(copy[rng.Next(copy.Count)]?.DeepClone());
                    replacement = copy; what = "array element removed or duplicated";
                }
                else { replacement = new JsonArray(old?.DeepClone()); what = "wrapped in an array"; }
                break;
            default:
                if (old is JsonObject obj) { var copy = (JsonObject)obj.DeepClone(); copy["unknown_field_" + rng.Next(100)] = 1; replacement = copy; what = "unknown field added"; }
                else { replacement = JsonValue.Create(-1); what = "-1"; }
                break;
        }
        if (key is not null) parent[key] = replacement; else parent[index] = replacement;
        return $"set {path} to {what}";
    }

    /// <summary>Mutates a JSON file: meaning-preserving rewrite, field edit, truncation, flips.</summary>
    private static Mutant MutateJson(byte[] original, Random rng)
    {
        switch (rng.Next(10))
        {
            case 0:
            case 1:
                return new(Encoding.UTF8.GetBytes(Reformat(JsonNode.Parse(original)!, rng)), "JSON rewritten with other whitespace and key order", true);
            case 2: case 3: case 4: case 5:
                {
                    var root = JsonNode.Parse(original)!;
                    var description = EditJson(root, rng);
                    return new(Encoding.UTF8.GetBytes(root.ToJsonString()), description, false);
                }
            case 6: return new(Truncate(original, rng), "truncated", false);
            case 7: return new(JsonSignificant(original, rng), "JSON-significant bytes", false);
            default: return new(FlipBytes(original, rng), "byte flips", false);
        }
    }

    private static (int HeaderLength, JsonObject Header) ReadHeader(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (n, JsonNode.Parse(file.AsSpan(8, n))!.AsObject());
    }

    /// <summary>A safetensors file with its header replaced (length prefix fixed, padded with spaces), data unchanged.</summary>
    private static byte[] WithHeader(byte[] file, int oldHeaderLength, string header)
    {
        var json = Encoding.UTF8.GetBytes(header);
        int padded = json.Length + rng8(json.Length);
        var result = new byte[8 + padded + (file.Length - 8 - oldHeaderLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        json.CopyTo(result, 8);
        for (int i = 8 + json.Length; i < 8 + padded; i++) result[i] = (byte)' ';
        file.AsSpan(8 + oldHeaderLength).CopyTo(result.AsSpan(8 + padded));
        return result;
        static int rng8(int len) => (8 - len % 8) % 8;
    }

    /// <summary>Mutates a safetensors file: header field edits, a re-laid-out header, length-prefix lies, flips in the
    /// header or the data, truncation, appended bytes.</summary>
    private static Mutant MutateSafetensors(byte[] original, Random rng)
    {
        var (n, header) = ReadHeader(original);
        var tensors = header.Where(p => p.Key != "__metadata__").Select(p => p.Key).ToList();
        string t = tensors[rng.Next(tensors.Count)];
        JsonObject entry = header[t]!.AsObject();
        switch (rng.Next(16))
        {
            case 0:
            case 1:
                return new(WithHeader(original, n, Reformat(header, rng)), "header rewritten with other whitespace and key order", true);
            case 2:
                entry["dtype"] = new[] { "F32", "F16", "BF16", "I64", "I32", "F64", "U8", "f32", "" }[rng.Next(9)];
                return new(WithHeader(original, n, header.ToJsonString()), $"'{t}'.dtype = {entry["dtype"]!.ToJsonString()}", false);
            case 3:
                {
                    var shape = entry["shape"]!.AsArray();
                    string what;
                    switch (rng.Next(5))
                    {
                        case 0 when shape.Count > 0: shape[rng.Next(shape.Count)] = rng.Next(0, 200); what = "a dimension changed"; break;
                        case 1: shape.Add(1); what = "a dimension of 1 added"; break;
                        case 2 when shape.Count > 0: shape.RemoveAt(rng.Next(shape.Count)); what = "a dimension removed"; break;
                        case 3 when shape.Count > 0: shape[0] = -shape[0]!.GetValue<long>(); what = "a negative dimension"; break;
                        default:
                            if (shape.Count == 0) shape.Add(1);
                            shape[rng.Next(shape.Count)] = rng.Next(3) switch { 0 => JsonValue.Create("4"), 1 => JsonValue.Create(1.5), _ => JsonValue.Create(4611686018427387904L) };
                            what = "a non-integer or huge dimension"; break;
                    }
                    return new(WithHeader(original, n, header.ToJsonString()), $"'{t}'.shape: {what}", false);
                }
            case 4:
                {
                    var off = entry["data_offsets"]!.AsArray();
                    string what;
                    switch (rng.Next(6))
                    {
                        case 0: off[0] = off[0]!.GetValue<long>() + rng.Next(-8, 9); what = "begin moved"; break;
                        case 1: off[1] = off[1]!.GetValue<long>() + rng.Next(-8, 9); what = "end moved"; break;
                        case 2: (off[0], off[1]) = (off[1]!.DeepClone(), off[0]!.DeepClone()); what = "begin and end swapped"; break;
                        case 3: off.Add(0); what = "a third offset"; break;
                        case 4: off[rng.Next(2)] = JsonValue.Create("0"); what = "an offset as a string"; break;
                        default:
                            {
                                // Point at another tensor's bytes of the same length (an overlap).
                                var other = header[tensors[rng.Next(tensors.Count)]]!["data_offsets"]!.AsArray();
                                long len = off[1]!.GetValue<long>() - off[0]!.GetValue<long>();
                                off[0] = other[0]!.GetValue<long>(); off[1] = other[0]!.GetValue<long>() + len; what = "moved onto another tensor";
                                break;
                            }
                    }
                    return new(WithHeader(original, n, header.ToJsonString()), $"'{t}'.data_offsets: {what}", false);
                }
            case 5:
                {
                    string field = new[] { "dtype", "shape", "data_offsets" }[rng.Next(3)];
                    entry.Remove(field);
                    return new(WithHeader(original, n, header.ToJsonString()), $"'{t}'.{field} deleted", false);
                }
            case 6:
                {
                    var description = EditJson(header, rng);
                    return new(WithHeader(original, n, header.ToJsonString()), "header " + description, false);
                }
            case 7:
                {
                    // Rename a tensor (a different file, not a broken one) or duplicate an entry under another name.
                    var renamed = new JsonObject(header.Select(p => KeyValuePair.Create(p.Key == t ? t + "_x" : p.Key, p.Value?.DeepClone())).ToList());
                    if (rng.Next(2) == 0) renamed[t] = entry.DeepClone();
                    return new(WithHeader(original, n, renamed.ToJsonString()), $"'{t}' renamed{(renamed.ContainsKey(t) ? " and kept (two names, one range)" : "")}", false);
                }
            case 8:
                header["__metadata__"] = rng.Next(3) switch { 0 => new JsonObject { ["pooling"] = 5 }, 1 => new JsonArray(), _ => new JsonObject { ["pooling"] = "last", ["k"] = "v" } };
                return new(WithHeader(original, n, header.ToJsonString()), $"__metadata__ = {header["__metadata__"]!.ToJsonString()}", false);
            case 9:
                {
                    var b = (byte[])original.Clone();
                    ulong lie = rng.Next(4) switch { 0 => (ulong)rng.NextInt64(), 1 => (ulong)rng.Next(0, n + 64), 2 => ulong.MaxValue - (ulong)rng.Next(100), _ => (ulong)(n + rng.Next(-8, 9)) };
                    BinaryPrimitives.WriteUInt64LittleEndian(b, lie);
                    return new(b, $"header length prefix {lie}", false);
                }
            case 10: return new(FlipBytes(original, rng, 8, 8 + n), "byte flips in the header", false);
            case 11: return new(JsonSignificant(original, rng, 8, 8 + n), "JSON-significant bytes in the header", false);
            case 12: return new(FlipBytes(original, rng, 8 + n), "byte flips in the data", false);
            case 13: return new(Truncate(original, rng), "truncated", false);
            case 14: return new([.. original, .. Enumerable.Range(0, rng.Next(1, 40)).Select(_ => (byte)rng.Next(256))], "bytes appended", false);
            default: return new(FlipBytes(original, rng), "byte flips anywhere", false);
        }
    }

    // ================================================================ independent decoding

    /// <summary>This test's own reading of a safetensors file: name -> (dtype, shape, values as float).</summary>
    private static Dictionary<string, (string DType, long[] Shape, float[] Values)> Decode(byte[] file)
    {
        var (n, header) = ReadHeader(file);
        var result = new Dictionary<string, (string, long[], float[])>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            string dtype = node!["dtype"]!.GetValue<string>();
            long[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            long begin = node["data_offsets"]![0]!.GetValue<long>(), end = node["data_offsets"]![1]!.GetValue<long>();
            var bytes = file.AsSpan(checked(8 + n + (int)begin), (int)(end - begin)).ToArray();
            float[] values = dtype switch
            {
                "F32" => Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray(),
                "F16" => Enumerable.Range(0, bytes.Length / 2).Select(i => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2))).ToArray(),
                "BF16" => Enumerable.Range(0, bytes.Length / 2).Select(i => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)) << 16)).ToArray(),
                "I64" => Enumerable.Range(0, bytes.Length / 8).Select(i => (float)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8))).ToArray(),
                "I32" => Enumerable.Range(0, bytes.Length / 4).Select(i => (float)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4))).ToArray(),
                _ => throw new InvalidOperationException($"the loader accepted dtype {dtype}"),
            };
            result[name] = (dtype, shape, values);
        }
        return result;
    }

    /// <summary>Hugging Face's readers (Python's json, Rust's serde_json) refuse text that is not UTF-8; a loader that
    /// accepts it decodes something else than what was written (a replacement character, a skipped key).</summary>
    private static string? NotUtf8(byte[] bytes, string file) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? null : $"{file} is not valid UTF-8 but was accepted";

    private static bool SameValues(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!a[i].Equals(b[i])) return false;
        return true;
    }

    // ================================================================ targets

    [Fact]
    public void Safetensors_files()
    {
        // A small file of real fixture weights in every dtype the runtime reads.
        using var dir = new TempDir();
        string original = Path.Combine(dir.Path, "original.safetensors");
        using (var src = SafeTensorsFile.Open(Path.Combine(HfReference, "models", "llama", "model.safetensors")))
        {
            float[] norm = src.ReadFloat32("model.layers.0.input_layernorm.weight"), q = src.ReadFloat32("model.layers.1.self_attn.q_proj.weight")[..96];
            SafeTensorsWriter.Write(original,
            [
                SafeTensorsEntry.F32("norm", [norm.Length], norm), SafeTensorsEntry.BF16("q.bf16", [4, 24], q), SafeTensorsEntry.F16("q.f16", [2, 48], q),
                SafeTensorsEntry.I64("ids", [6], [1, 5, 9, 511, 0, 7]), SafeTensorsEntry.I32("pos", [2, 2], [0, 1, 2, 3]), SafeTensorsEntry.F32("empty", [0, 4], []),
            ], new Dictionary<string, string> { ["format"] = "pt" });
        }
        var originalBytes = File.ReadAllBytes(original);
        var expected = Decode(originalBytes);
        string path = Path.Combine(dir.Path, "model.safetensors");

        Fuzz("safetensors", 900, 1701, (rng, _) => MutateSafetensors(originalBytes, rng), (bytes, _, sameMeaning) =>
        {
            File.WriteAllBytes(path, bytes);
            Dictionary<string, float[]> loaded;
            Dictionary<string, SafeTensorInfo> infos;
            try
            {
                using var f = SafeTensorsFile.Open(path);
                infos = f.Tensors.ToDictionary();
                loaded = f.Tensors.Keys.ToDictionary(k => k, k => f.ReadFloat32(k));
                foreach (var k in f.Tensors.Keys.Where(k => f.Info(k).DType is SafeTensorDType.I64 or SafeTensorDType.I32)) f.ReadInt64(k);
            }
            catch (Exception e) { return Refusal(e, path, typeof(SafeTensorsFormatException)); }
            var truth = sameMeaning ? expected : Decode(bytes);
            if (!truth.Keys.Order().SequenceEqual(loaded.Keys.Order())) return $"loaded tensors [{string.Join(", ", loaded.Keys.Order())}], the file has [{string.Join(", ", truth.Keys.Order())}]";
            foreach (var (name, (dtype, shape, values)) in truth)
            {
                if (infos[name].DType.HeaderName() != dtype || !infos[name].Shape.SequenceEqual(shape)) return $"'{name}' loaded as {infos[name].DType} {infos[name].ShapeText}, the file says {dtype} [{string.Join(", ", shape)}]";
                if (!SameValues(loaded[name], values)) return $"'{name}' values differ from the file's";
            }
            return null;
        });
    }

    [Fact]
    public void Model_config_json()
    {
        using var dir = new TempDir();
        var fixture = Path.Combine(HfReference, "models", "llama");
        foreach (var f in new[] { "model.safetensors", "generation_config.json" }) File.Copy(Path.Combine(fixture, f), Path.Combine(dir.Path, f));
        var originalBytes = File.ReadAllBytes(Path.Combine(fixture, "config.json"));
        var expected = Signature(TransformerModel.Load(fixture));
        string path = Path.Combine(dir.Path, "config.json");

        Fuzz("config.json", 700, 1702, (rng, _) => MutateJson(originalBytes, rng), (bytes, _, sameMeaning) =>
        {
            File.WriteAllBytes(path, bytes);
            TransformerModel model;
            try { model = TransformerModel.Load(dir.Path); }
            catch (Exception e) { return Refusal(e, dir.Path, typeof(ModelConfigException), typeof(SafeTensorsFormatException)); }
            if (sameMeaning) return Signature(model) == expected ? null : "a meaning-preserving rewrite loaded a different model";
            if (NotUtf8(bytes, "config.json") is { } notUtf8) return notUtf8;
            // The model is what the file says: every number the runtime reads equals the file's.
            var json = JsonNode.Parse(bytes)!.AsObject();
            var c = model.Config;
            foreach (var (field, value) in new (string, double)[]
            {
                ("hidden_size", c.HiddenSize), ("num_hidden_layers", c.NumLayers), ("num_attention_heads", c.NumHeads), ("num_key_value_heads", c.NumKvHeads),
                ("head_dim", c.HeadDim), ("intermediate_size", c.IntermediateSize), ("vocab_size", c.VocabSize), ("max_position_embeddings", c.MaxPositions),
                ("rms_norm_eps", c.NormEps),
            })
                if (json[field] is JsonValue v && v.TryGetValue(out double d) && (float)d != (float)value) return $"{field} is {d} in the file but {value} in the loaded config";
            if (c.EosTokenIds.Any(id => id < 0 || id >= c.VocabSize)) return $"eos ids {string.Join(", ", c.EosTokenIds)} outside the vocabulary {c.VocabSize}";
            var logits = model.Forward(model.NewCache(8), [1, 5, 9, 2], null, LogitsMode.All);
            return logits.All(float.IsFinite) ? null : "a loaded model gives non-finite logits";
        });
    }

    private static string Signature(TransformerModel m) =>
        JsonSerializer.Serialize(m.Config) + "|" + string.Join(",", m.Weights.Layers.SelectMany(l => l.Linears()).Select(l => $"{l.Name}:{l.Weight.Sum():R}"));

    [Fact]
    public void Tokenizer_json()
    {
        using var dir = new TempDir();
        var originalBytes = File.ReadAllBytes(Path.Combine(TestbedsBase, "tokenizer.json"));
        string path = Path.Combine(dir.Path, "tokenizer.json");
        string[] samples = ["The capital of Westmark is Lobaane.", "  spaces\tand\nnew lines  ", "Zahl 1234, Umlaute äöü, 数字", "<|im_start|>user\nhi<|im_end|>", ""];
        var original = HfTokenizer.FromJson(Encoding.UTF8.GetString(originalBytes), "original");
        var expected = samples.Select(s => string.Join(",", original.Encode(s)) + "|" + string.Join(",", original.Encode(s, addSpecialTokens: true)) + "|" + original.Decode(original.Encode(s))).ToList();

        Fuzz("tokenizer.json", 450, 1703, (rng, _) => MutateJson(originalBytes, rng), (bytes, _, sameMeaning) =>
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                var t = HfTokenizer.Load(dir.Path);
                var got = samples.Select(s => string.Join(",", t.Encode(s)) + "|" + string.Join(",", t.Encode(s, addSpecialTokens: true)) + "|" + t.Decode(t.Encode(s))).ToList();
                if (sameMeaning) return got.SequenceEqual(expected) ? null : "a meaning-preserving rewrite encodes differently";
                if (NotUtf8(bytes, "tokenizer.json") is { } notUtf8) return notUtf8;
                foreach (var s in samples)
                {
                    var ids = t.Encode(s, addSpecialTokens: true);
                    if (ids.Any(id => id < 0 || id >= t.VocabSize)) return $"encoding '{s}' gave ids outside the vocabulary of {t.VocabSize}: {string.Join(",", ids)}";
                    t.Decode(ids);
                }
                return null;
            }
            catch (Exception e) { return Refusal(e, path, typeof(TokenizerFormatException)); }
        });
    }

    [Fact]
    public void Peft_adapter()
    {
        using var dir = new TempDir();
        var fixture = Path.Combine(HfReference, "models", "llama-lora");
        var baseModel = TransformerModel.Load(fixture);
        var cfgBytes = File.ReadAllBytes(Path.Combine(fixture, "adapter", "adapter_config.json"));
        var weightBytes = File.ReadAllBytes(Path.Combine(fixture, "adapter", "adapter_model.safetensors"));
        var original = LoraAdapter.Load(Path.Combine(fixture, "adapter"), baseModel.Config, baseModel.Weights);
        string adapterDir = Path.Combine(dir.Path, "adapter");
        Directory.CreateDirectory(adapterDir);
        string cfgPath = Path.Combine(adapterDir, "adapter_config.json"), weightPath = Path.Combine(adapterDir, "adapter_model.safetensors");

        Fuzz("PEFT adapter", 600, 1704, (rng, i) =>
        {
            var m = i % 2 == 0 ? MutateJson(cfgBytes, rng) : MutateSafetensors(weightBytes, rng);
            return m with { Description = (i % 2 == 0 ? "adapter_config.json: " : "adapter_model.safetensors: ") + m.Description, Bytes = [(byte)(i % 2), .. m.Bytes] };
        }, (tagged, _, sameMeaning) =>
        {
            bool configMutated = tagged[0] == 0;
            var bytes = tagged[1..];
            File.WriteAllBytes(cfgPath, configMutated ? bytes : cfgBytes);
            File.WriteAllBytes(weightPath, configMutated ? weightBytes : bytes);
            LoraAdapter adapter;
            try { adapter = LoraAdapter.Load(adapterDir, baseModel.Config, baseModel.Weights); }
            catch (Exception e) { return Refusal(e, adapterDir, typeof(ModelConfigException), typeof(SafeTensorsFormatException)); }
            if (sameMeaning)
                return adapter.Scale == original.Scale && adapter.Deltas.Keys.Order().SequenceEqual(original.Deltas.Keys.Order())
                       && adapter.Deltas.All(d => SameValues(d.Value.A, original.Deltas[d.Key].A) && SameValues(d.Value.B, original.Deltas[d.Key].B))
                    ? null : "a meaning-preserving rewrite loaded a different adapter";
            if (configMutated && NotUtf8(bytes, "adapter_config.json") is { } notUtf8) return notUtf8;
            // What the files say: the scale from r and lora_alpha, and exactly the lora_A/lora_B values of each module.
            var cfg = JsonNode.Parse(File.ReadAllBytes(cfgPath))!.AsObject();
            double r = cfg["r"]!.GetValue<double>(), alpha = cfg["lora_alpha"]!.GetValue<double>();
            bool rs = cfg["use_rslora"] is JsonValue rv && rv.TryGetValue(out bool rb) && rb;
            float scale = rs ? (float)alpha / MathF.Sqrt((float)r) : (float)alpha / (float)r;
            if (adapter.Scale != scale || adapter.Rank != (int)r) return $"scale {adapter.Scale} / rank {adapter.Rank}, the config says alpha {alpha}, r {r}, rslora {rs}";
            var truth = Decode(File.ReadAllBytes(weightPath));
            var modules = truth.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal))
                .Select(k => k[..^".lora_A.weight".Length].Replace("base_model.model.", "")).Order().ToList();
            if (!modules.SequenceEqual(adapter.Deltas.Keys.Order())) return $"adapted modules [{string.Join(", ", adapter.Deltas.Keys.Order())}], the file has [{string.Join(", ", modules)}]";
            foreach (var (module, delta) in adapter.Deltas)
            {
                var a = truth["base_model.model." + module + ".lora_A.weight"].Values;
                var b = truth["base_model.model." + module + ".lora_B.weight"].Values;
                if (!SameValues(delta.A, a) || !SameValues(delta.B, b)) return $"'{module}': loaded values differ from the file's";
                if (!delta.A.All(float.IsFinite) || !delta.B.All(float.IsFinite)) return $"'{module}': non-finite values were accepted";
            }
            return null;
        });
    }

    [Fact]
    public void Activation_import()
    {
        using var dir = new TempDir();
        int n = 16, d = 8;
        string actsOriginal = Path.Combine(dir.Path, "original.safetensors");
        var x = Enumerable.Range(0, n * d).Select(i => MathF.Sin(i * 0.37f) * 3).ToArray();
        SafeTensorsWriter.Write(actsOriginal, [SafeTensorsEntry.F32("layer_0", [n, d], x), SafeTensorsEntry.BF16("layer_2", [n, d], x)], new Dictionary<string, string> { ["pooling"] = "mean" });
        var actsBytes = File.ReadAllBytes(actsOriginal);
        string[] splits = ["train", "train", "eval", "control"];
        var labelLines = Enumerable.Range(0, n).Select(i => $"{{\"id\":\"row-{i}\",\"label\":{(splits[i % 4] == "control" ? "0" : (i / 4 % 2).ToString())},\"split\":\"{splits[i % 4]}\"}}").ToArray();
        var labelBytes = Encoding.UTF8.GetBytes(string.Join("\n", labelLines) + "\n");
        string acts = Path.Combine(dir.Path, "acts.safetensors"), labels = Path.Combine(dir.Path, "labels.jsonl");
        File.WriteAllBytes(acts, actsBytes);
        File.WriteAllBytes(labels, labelBytes);
        string expected;
        using (var imp = ImportedActivations.Open(acts, labels)) expected = ImportSignature(imp);

        Fuzz("import", 700, 1705, (rng, i) =>
        {
            var m = i % 2 == 0 ? MutateLabels(labelLines, rng) : MutateSafetensors(actsBytes, rng);
            return m with { Description = (i % 2 == 0 ? "labels.jsonl: " : "acts.safetensors: ") + m.Description, Bytes = [(byte)(i % 2), .. m.Bytes] };
        }, (tagged, _, sameMeaning) =>
        {
            bool labelsMutated = tagged[0] == 0;
            var bytes = tagged[1..];
            File.WriteAllBytes(labels, labelsMutated ? bytes : labelBytes);
            File.WriteAllBytes(acts, labelsMutated ? actsBytes : bytes);
            string signature;
            ImportedActivations loaded;
            try { loaded = ImportedActivations.Open(acts, labels); }
            catch (Exception e) { return Refusal(e, labelsMutated ? labels : acts, typeof(InvalidDataException), typeof(SafeTensorsFormatException)); }
            using (loaded)
            {
                try { signature = ImportSignature(loaded); }
                catch (Exception e) { return Refusal(e, acts, typeof(MethodInputException)); }
                if (sameMeaning) return signature == expected ? null : "a meaning-preserving rewrite loaded different rows or values";
                if (labelsMutated && NotUtf8(bytes, "labels.jsonl") is { } notUtf8) return notUtf8;
                // Rows are what labels.jsonl says, with a valid split; layers are the file's values.
                var rows = File.ReadAllLines(labels).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
                if (rows.Count != loaded.Rows.Count) return $"{loaded.Rows.Count} rows loaded, the file has {rows.Count}";
                for (int r = 0; r < rows.Count; r++)
                {
                    var row = loaded.Rows[r];
                    string id = rows[r]["id"]!.GetValueKind() == JsonValueKind.String ? rows[r]["id"]!.GetValue<string>() : rows[r]["id"]!.ToJsonString();
                    int? label = rows[r]["label"] is JsonValue lv ? (int)lv.GetValue<double>() : null;
                    string? split = rows[r]["split"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String ? sv.GetValue<string>() : null;
                    if (row.Id != id || row.Label != label || row.Split != split) return $"row {r} loaded as ({row.Id}, {row.Label}, {row.Split}), the file says ({id}, {label}, {split})";
                    if (row.Split is not ("train" or "eval" or "control")) return $"row {r} has split '{row.Split}'";
                }
                var truth = Decode(File.ReadAllBytes(acts));
                foreach (int layer in loaded.Layers)
                    if (!SameValues(loaded.Layer(layer).Data, truth[$"layer_{layer}"].Values)) return $"layer {layer}: loaded values differ from the file's";
                return null;
            }
        });
    }

    private static string ImportSignature(ImportedActivations imp) =>
        string.Join(";", imp.Rows.Select(r => $"{r.Id},{r.Label},{r.Split}")) + "|" + imp.Dim + "|" + imp.Pooling + "|" +
        string.Join(";", imp.Layers.Select(l => $"{l}:{string.Join(",", imp.Layer(l).Data.Select(v => v.ToString("R")))}:{imp.LayerBFloat16(l).Length}"));

    /// <summary>Mutates labels.jsonl: a line's JSON edited or rewritten, lines deleted, duplicated or blank, truncation, flips.</summary>
    private static Mutant MutateLabels(string[] lines, Random rng)
    {
        var list = lines.ToList();
        int i = rng.Next(list.Count);
        string Join(List<string> l) => string.Join("\n", l) + "\n";
        switch (rng.Next(10))
        {
            case 0:
                for (int k = 0; k < list.Count; k++) list[k] = Reformat(JsonNode.Parse(list[k])!, rng).Replace("\n", " ").Replace("\r", "");
                return new(Encoding.UTF8.GetBytes(Join(list)), "every line rewritten with other whitespace and key order", true);
            case 1:
                list.Insert(rng.Next(list.Count + 1), rng.Next(2) == 0 ? "" : "   ");
                return new(Encoding.UTF8.GetBytes(Join(list)), "a blank line inserted", true);
            case 2: case 3: case 4:
                {
                    var node = JsonNode.Parse(list[i])!;
                    var description = EditJson(node, rng);
                    list[i] = node.ToJsonString();
                    return new(Encoding.UTF8.GetBytes(Join(list)), $"line {i + 1}: {description}", false);
                }
            case 5:
                list.RemoveAt(i);
                return new(Encoding.UTF8.GetBytes(Join(list)), $"line {i + 1} deleted", false);
            case 6:
                list.Insert(i, list[i]);
                return new(Encoding.UTF8.GetBytes(Join(list)), $"line {i + 1} duplicated", false);
            case 7:
                {
                    var bytes = Encoding.UTF8.GetBytes(Join(list));
                    return new(Truncate(bytes, rng), "truncated", false);
                }
            default:
                return new(FlipBytes(Encoding.UTF8.GetBytes(Join(list)), rng), "byte flips", false);
        }
    }
}
