using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.SelfReport;

/// <summary>Renders a transcript as escaped, quoted text for a grader (Wang et al. quote the transcript inside
/// tags so the grader reads it as data, not as its own conversation).</summary>
internal static class TranscriptQuoting
{
    public const string Open = "<transcript>";
    public const string Close = "</transcript>";

    public static string Quote(IReadOnlyList<ChatMessage> messages)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Open).Append('\n');
        foreach (var m in messages)
            sb.Append(Speaker(m.Role)).Append(": ").Append(Escape(m.Content)).Append('\n');
        sb.Append(Close);
        return sb.ToString();
    }

    /// <summary>A quoted transcript must not be able to close its own quote.</summary>
    private static string Escape(string content)
        => content.Replace(Close, "</ transcript>", StringComparison.Ordinal).Replace(Open, "< transcript>", StringComparison.Ordinal);

    private static string Speaker(string role) => role switch
    {
        "system" => "System",
        "user" => "User",
        "assistant" => "Assistant",
        _ => role,
    };

    /// <summary>Every transcript must end with the assistant response being judged.</summary>
    public static void RequireResponses(IReadOnlyList<Transcript> transcripts, string method)
    {
        foreach (var t in transcripts)
            if (t.Messages.Count == 0 || t.Messages[^1].Role != "assistant")
                throw new MethodInputException($"{method}: transcript '{t.Id}' ({t.Split}) does not end with an assistant response, so there is nothing to judge.");
    }
}
