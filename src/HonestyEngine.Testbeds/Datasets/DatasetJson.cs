using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Testbeds.Datasets;

/// <summary>JSONL form of <see cref="DatasetItem"/> (one object per line, snake_case keys):
/// id, messages [{role, content}], true_answer, dishonest_answer, neutral_messages, response, label, choices, meta.
/// Absent or null fields map to null. Reading reports the file and line of any malformed record.</summary>
public static class DatasetJson
{
    public static string ToLine(DatasetItem item)
    {
        var o = new JsonObject { ["id"] = item.Id, ["messages"] = Messages(item.Messages) };
        if (item.TrueAnswer is not null) o["true_answer"] = item.TrueAnswer;
        if (item.DishonestAnswer is not null) o["dishonest_answer"] = item.DishonestAnswer;
        if (item.NeutralMessages is not null) o["neutral_messages"] = Messages(item.NeutralMessages);
        if (item.Response is not null) o["response"] = item.Response;
        if (item.Label is not null) o["label"] = item.Label;
        if (item.Choices is not null) o["choices"] = new JsonArray(item.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        if (item.Meta is not null && item.Meta.Count > 0)
            o["meta"] = new JsonObject(item.Meta.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        return o.ToJsonString(Options);
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonArray Messages(IReadOnlyList<ChatMessage> messages) =>
        new(messages.Select(m => (JsonNode?)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());

    public static void Write(string path, IEnumerable<DatasetItem> items)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var sb = new StringBuilder();
        foreach (var item in items) sb.Append(ToLine(item)).Append('\n');
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    public static List<DatasetItem> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Dataset file '{path}' does not exist.", path);
        var items = new List<DatasetItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            DatasetItem item;
            try { item = Parse(line); }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new FormatException($"{path}:{lineNo}: {e.Message}", e);
            }
            if (!ids.Add(item.Id)) throw new FormatException($"{path}:{lineNo}: duplicate id '{item.Id}'.");
            items.Add(item);
        }
        return items;
    }

    public static DatasetItem Parse(string line)
    {
        var o = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("line is not a JSON object.");
        string id = o["id"]?.GetValue<string>() is { Length: > 0 } s ? s : throw new FormatException("missing 'id'.");
        var messages = ParseMessages(o["messages"], "messages") ?? throw new FormatException($"item '{id}': missing 'messages'.");
        Dictionary<string, string>? meta = null;
        if (o["meta"] is JsonObject m)
            meta = m.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? throw new FormatException($"item '{id}': meta '{kv.Key}' is null."), StringComparer.Ordinal);
        return new DatasetItem(
            id, messages,
            TrueAnswer: o["true_answer"]?.GetValue<string>(),
            DishonestAnswer: o["dishonest_answer"]?.GetValue<string>(),
            NeutralMessages: ParseMessages(o["neutral_messages"], "neutral_messages"),
            Response: o["response"]?.GetValue<string>(),
            Label: o["label"]?.GetValue<int>() is int l ? (l is 0 or 1 ? l : throw new FormatException($"item '{id}': label must be 0 or 1, got {l}.")) : null,
            Choices: o["choices"] is JsonArray c ? c.Select(x => x?.GetValue<string>() ?? "").ToList() : null,
            Meta: meta);
    }

    private static List<ChatMessage>? ParseMessages(JsonNode? node, string field)
    {
        if (node is null) return null;
        if (node is not JsonArray arr) throw new FormatException($"'{field}' must be an array.");
        var list = new List<ChatMessage>();
        foreach (var m in arr)
        {
            string role = m?["role"]?.GetValue<string>() ?? throw new FormatException($"'{field}': a message has no 'role'.");
            if (role is not ("system" or "user" or "assistant")) throw new FormatException($"'{field}': unknown role '{role}'.");
            list.Add(new ChatMessage(role, m["content"]?.GetValue<string>() ?? throw new FormatException($"'{field}': a message has no 'content'.")));
        }
        return list;
    }
}
