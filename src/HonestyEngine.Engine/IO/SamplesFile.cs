using System.Text;
using System.Text.Json;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.IO;

/// <summary>samples.jsonl: one <see cref="SampleRecord"/> per line, UTF-8, '\n'-terminated.
/// Reading validates every line and names the file and line of the first problem.</summary>
public static class SamplesFile
{
    public const string FileName = "samples.jsonl";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(SampleRecord record) => JsonSerializer.Serialize(record, Json);

    public static void Write(string path, IEnumerable<SampleRecord> records) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            foreach (var r in records) writer.WriteLine(Serialize(r));
        });

    public static List<SampleRecord> Read(string path)
    {
        if (!File.Exists(path)) throw new ResultsFormatException($"{path}: file not found.");
        var text = File.ReadAllText(path, Encoding.UTF8);
        var records = new List<SampleRecord>();
        int lineNo = 0;
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            bool terminated = end >= 0;
            if (!terminated) end = text.Length;
            lineNo++;
            var line = text.AsSpan(start, end - start).TrimEnd('\r');
            start = end + 1;
            if (line.IsWhiteSpace()) continue;
            records.Add(ParseLine(path, lineNo, line.ToString(), terminated));
        }
        return records;
    }

    private static SampleRecord ParseLine(string path, int lineNo, string line, bool terminated)
    {
        SampleRecord? record;
        try
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ResultsFormatException($"{path}:{lineNo}: expected a JSON object, found {doc.RootElement.ValueKind}.");
            if (doc.RootElement.TryGetProperty("label", out var label) && label.ValueKind != JsonValueKind.Null)
            {
                if (label.ValueKind != JsonValueKind.Number || !label.TryGetInt32(out int l) || (l != 0 && l != 1))
                    throw new ResultsFormatException($"{path}:{lineNo}: label {label.GetRawText()} is not 0, 1 or null.");
            }
            record = doc.RootElement.Deserialize<SampleRecord>(Json);
        }
        catch (JsonException e)
        {
            var why = terminated ? "is not valid JSON" : "is truncated (the file ends mid-line; was the run killed while writing?)";
            throw new ResultsFormatException($"{path}:{lineNo}: line {why}: {e.Message}", e);
        }
        if (record is null) throw new ResultsFormatException($"{path}:{lineNo}: empty record.");
        if (record.Score is double s && !double.IsFinite(s))
            throw new ResultsFormatException($"{path}:{lineNo}: score {s} is not a finite number.");
        return record;
    }
}
