using System.Text;
using System.Text.Json;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>Parses and strictly validates the JSON header of a safetensors file. Nothing is allocated from a
/// size the header claims: the header length is bounded by the file size and <see cref="MaxHeaderBytes"/>, and
/// tensor sizes are only compared against the real data length, never used to allocate.</summary>
internal static class SafeTensorsHeader
{
    /// <summary>Same limit as the reference Rust implementation (100 MB of JSON).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Validates the 8-byte length prefix against the file size; returns the header length.</summary>
    public static int CheckHeaderLength(string path, ulong headerLength, long fileLength)
    {
        if (headerLength == 0)
            throw new SafeTensorsFormatException(path, null, "header length is 0 (not a safetensors file).");
        if (headerLength > (ulong)(fileLength - 8))
            throw new SafeTensorsFormatException(path, null,
                $"header length {headerLength} runs past the end of the file ({fileLength} bytes): the file is truncated or not a safetensors file.");
        if (headerLength > MaxHeaderBytes)
            throw new SafeTensorsFormatException(path, null, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit.");
        return (int)headerLength;
    }

    /// <summary>Parses the header JSON and validates every entry against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static (Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlySpan<byte> json, long dataLength)
    {
        JsonDocument doc;
        try
        {
            // Strict UTF-8 first: System.Text.Json would otherwise report invalid bytes with a less clear message.
            new UTF8Encoding(false, true).GetCharCount(json);
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw new SafeTensorsFormatException(path, null, $"header is not valid UTF-8 JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(path, null, $"header must be a JSON object, found {doc.RootElement.ValueKind}.");
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    ReadMetadata(path, prop.Value, metadata);
                    continue;
                }
                if (tensors.ContainsKey(prop.Name))
                    throw new SafeTensorsFormatException(path, prop.Name, "appears twice in the header.");
                tensors.Add(prop.Name, ReadEntry(path, prop.Name, prop.Value, dataLength));
            }
            CheckNoOverlap(path, tensors.Values);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, null, "__metadata__ must be an object of strings.");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(path, null, $"__metadata__ entry '{m.Name}' is not a string.");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadEntry(string path, string name, JsonElement e, long dataLength)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException(path, name, "header entry is not an object with dtype, shape and data_offsets.");
        if (!e.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException(path, name, "missing string field 'dtype'.");
        if (!SafeTensorDTypes.TryParse(dtypeEl.GetString(), out var dtype))
            throw new SafeTensorsFormatException(path, name, $"unknown or unsupported dtype '{dtypeEl.GetString()}' (supported: {SafeTensorDTypes.Supported}).");
        if (!e.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException(path, name, "missing array field 'shape'.");
        if (shapeEl.GetArrayLength() > 16)
            throw new SafeTensorsFormatException(path, name, $"shape has {shapeEl.GetArrayLength()} dimensions (more than 16).");
        var shape = new long[shapeEl.GetArrayLength()];
        long elements = 1;
        int k = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new SafeTensorsFormatException(path, name, $"shape entry {k} ({d.GetRawText()}) is not a non-negative integer.");
            shape[k++] = dim;
            // Overflow-checked product: a lying header must not wrap around to a plausible size.
            if (dim != 0 && elements > long.MaxValue / dim)
                throw new SafeTensorsFormatException(path, name, $"shape [{string.Join(", ", shape.Take(k))}...] overflows.");
            elements *= dim;
        }
        if (!e.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw new SafeTensorsFormatException(path, name, "missing field 'data_offsets' [begin, end].");
        if (offEl[0].ValueKind != JsonValueKind.Number || offEl[1].ValueKind != JsonValueKind.Number
            || !offEl[0].TryGetInt64(out long begin) || !offEl[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafeTensorsFormatException(path, name, $"data_offsets {offEl.GetRawText()} are not two integers 0 <= begin <= end.");
        if (end > dataLength)
            throw new SafeTensorsFormatException(path, name,
                $"data_offsets [{begin}, {end}] run past the end of the data section ({dataLength} bytes): the file is truncated or the header is wrong.");
        int size = dtype.ElementSize();
        if (elements > long.MaxValue / size || elements * size != end - begin)
            throw new SafeTensorsFormatException(path, name,
                $"holds {end - begin} bytes but dtype {dtype.HeaderName()} with shape [{string.Join(", ", shape)}] needs {(elements > long.MaxValue / size ? "more than 2^63" : (elements * size).ToString())}.");
        return new SafeTensorInfo(name, dtype, shape, begin, end - begin);
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafeTensorInfo> infos)
    {
        SafeTensorInfo? previous = null;
        foreach (var t in infos.Where(t => t.ByteLength > 0).OrderBy(t => t.DataOffset))
        {
            if (previous is not null && t.DataOffset < previous.DataOffset + previous.ByteLength)
                throw new SafeTensorsFormatException(path, t.Name,
                    $"data_offsets [{t.DataOffset}, {t.DataOffset + t.ByteLength}] overlap tensor '{previous.Name}' [{previous.DataOffset}, {previous.DataOffset + previous.ByteLength}].");
            previous = t;
        }
    }
}
