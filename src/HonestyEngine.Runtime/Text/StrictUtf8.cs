namespace HonestyEngine.Runtime.Text;

/// <summary>Reads the JSON files of a checkpoint (config.json, tokenizer.json, adapter_config.json, ...) as Hugging
/// Face's own readers do: Python's json and Rust's serde_json refuse bytes that are not UTF-8, whereas .NET's text
/// readers silently replace them with U+FFFD (a vocabulary entry, an id or a key would then be another string).</summary>
public static class StrictUtf8
{
    /// <summary>The file's bytes (a leading byte-order mark removed), or null when they are not valid UTF-8; then
    /// <paramref name="badOffset"/> is the first invalid byte.</summary>
    public static byte[]? TryRead(string path, out long badOffset)
    {
        var bytes = File.ReadAllBytes(path);
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var span = bytes.AsSpan(start);
        if (System.Text.Unicode.Utf8.IsValid(span)) { badOffset = -1; return start == 0 ? bytes : span.ToArray(); }
        badOffset = start + FirstInvalid(span);
        return null;
    }

    /// <summary>The text of the file, or the exception <paramref name="error"/> makes from a message such as
    /// "byte 123 is not valid UTF-8".</summary>
    public static string ReadAllText(string path, Func<string, Exception> error) =>
        System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, error));

    public static byte[] ReadAllBytes(string path, Func<string, Exception> error) =>
        TryRead(path, out long bad) ?? throw error($"not valid UTF-8 (byte {bad} of the file)");

    private static int FirstInvalid(ReadOnlySpan<byte> span)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(span, new char[span.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? span.Length : read;
    }
}
