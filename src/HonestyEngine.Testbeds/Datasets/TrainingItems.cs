using HonestyEngine.Abstractions;

namespace HonestyEngine.Testbeds.Datasets;

/// <summary>How training data is expressed as <see cref="DatasetItem"/>s (what FineTuneRequest.Data carries):
/// <list type="bullet">
/// <item>chat: <c>Messages</c> are the turns before the target, <c>Response</c> is the assistant turn trained on.
/// Meta "loss" = "assistant" (default: only assistant tokens are the loss) or "all" (user turns too, so
/// user-persona sampling means something).</item>
/// <item>document: <c>Messages</c> is empty, <c>Response</c> is the raw text (no chat template), Meta "format" = "document".</item>
/// </list></summary>
public static class TrainingItems
{
    public const string LossKey = "loss", FormatKey = "format", TaskKey = "task";

    public static DatasetItem Chat(string id, string task, IReadOnlyList<ChatMessage> prompt, string response, bool lossOnAll = false,
        IReadOnlyDictionary<string, string>? meta = null)
    {
        var m = new Dictionary<string, string>(meta ?? new Dictionary<string, string>()) { [TaskKey] = task, [FormatKey] = "chat", [LossKey] = lossOnAll ? "all" : "assistant" };
        return new DatasetItem(id, prompt, Response: response, Meta: m);
    }

    public static DatasetItem Document(string id, string task, string text, IReadOnlyDictionary<string, string>? meta = null)
    {
        var m = new Dictionary<string, string>(meta ?? new Dictionary<string, string>()) { [TaskKey] = task, [FormatKey] = "document", [LossKey] = "all" };
        return new DatasetItem(id, [], Response: text, Meta: m);
    }

    public static bool IsDocument(DatasetItem item) => item.GetMeta(FormatKey) == "document";

    /// <summary>Every text of an item (prompt turns, response, neutral prompt): what disjointness checks scan.</summary>
    public static IEnumerable<string> Texts(DatasetItem item)
    {
        foreach (var m in item.Messages) yield return m.Content;
        if (item.NeutralMessages is not null) foreach (var m in item.NeutralMessages) yield return m.Content;
        if (item.Response is not null) yield return item.Response;
        if (item.TrueAnswer is not null) yield return item.TrueAnswer;
        if (item.DishonestAnswer is not null) yield return item.DishonestAnswer;
        if (item.Choices is not null) foreach (var c in item.Choices) yield return c;
    }

    /// <summary>The full conversation of a chat training item (prompt + response), for rendering.</summary>
    public static IReadOnlyList<ChatMessage> Conversation(DatasetItem item) =>
        item.Response is null ? item.Messages : [.. item.Messages, ChatMessage.Assistant(item.Response)];
}
