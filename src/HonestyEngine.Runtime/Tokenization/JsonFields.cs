using System.Text.Json;

namespace HonestyEngine.Runtime.Tokenization;

/// <summary>Typed access to tokenizer.json fields that reports the file and the JSON path of anything missing
/// or of the wrong kind.</summary>
internal readonly struct JsonFields(JsonElement element, string source, string path)
{
    public JsonElement Element { get; } = element;
    public string Source { get; } = source;
    public string Path { get; } = path;

    public TokenizerFormatException Error(string what) => new($"{Source}: {Path}: {what}");

    public JsonFields Child(string name)
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error($"expected an object, got {Element.ValueKind}");
        if (!Element.TryGetProperty(name, out var child)) throw new TokenizerFormatException($"{Source}: {Path}.{name}: missing field");
        return new JsonFields(child, Source, $"{Path}.{name}");
    }

    public bool TryChild(string name, out JsonFields child)
    {
        if (Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null)
        {
            child = new JsonFields(e, Source, $"{Path}.{name}");
            return true;
        }
        child = default;
        return false;
    }

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    public string String(string name) => Child(name).AsString();

    public string? OptionalString(string name) => TryChild(name, out var c) ? c.AsString() : null;

    public bool Bool(string name, bool fallback) => TryChild(name, out var c) ? c.AsBool() : fallback;

    public int Int(string name, int fallback) => TryChild(name, out var c) ? c.AsInt() : fallback;

    public string AsString() => Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Error($"expected a string, got {Element.ValueKind}");

    public bool AsBool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"expected true or false, got {Element.ValueKind}"),
    };

    public int AsInt() => Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out int v) ? v : throw Error($"expected an integer, got {Element}");

    public IEnumerable<JsonFields> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array) throw Error($"expected an array, got {Element.ValueKind}");
        int i = 0;
        foreach (var e in Element.EnumerateArray()) yield return new JsonFields(e, Source, $"{Path}[{i++}]");
    }

    public IEnumerable<(string Name, JsonFields Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object) throw Error($"expected an object, got {Element.ValueKind}");
        foreach (var p in Element.EnumerateObject()) yield return (p.Name, new JsonFields(p.Value, Source, $"{Path}.{p.Name}"));
    }

    /// <summary>A `"pattern": {"String": ".."}` or `{"Regex": ".."}` field.</summary>
    public ITextPattern Pattern(string name)
    {
        var p = Child(name);
        if (p.TryChild("String", out var s)) return new LiteralPattern(s.AsString());
        if (p.TryChild("Regex", out var r))
        {
            try { return OnigRegexTranslator.Get(r.AsString()); }
            catch (ArgumentException e) { throw r.Error(e.Message); }
        }
        throw p.Error("expected {\"String\": ...} or {\"Regex\": ...}");
    }
}
