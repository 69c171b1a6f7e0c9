using System.CommandLine;
using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty tokenizer verify &lt;dir&gt; --expected &lt;file.jsonl&gt;`: checks a Hugging Face tokenizer folder
/// against reference outputs of HF tokenizers / transformers. Each line is either an encoding
/// ({"text", "ids", "ids_with_special"?, "decoded"?}) or a chat render ({"messages", "text"?, "ids"?, "error"?,
/// "add_generation_prompt"?, "continue_final_message"?}). Exit 0 all match, 1 any mismatch, 2 bad input.</summary>
internal sealed class TokenizerCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("tokenizer", "Tokenizers read from tokenizer.json and chat templates.");
        var verify = new Command("verify", "Compare encodings, decodings and chat renders with a reference .jsonl (expected_encodings.jsonl or expected_chat.jsonl).");
        var dir = new Argument<string>("tokenizer-dir") { Description = "Folder with tokenizer.json (and tokenizer_config.json for chat templates)." };
        var expected = new Option<string>("--expected") { Description = "Reference .jsonl file.", Required = true };
        var maxShown = new Option<int>("--max-shown") { Description = "Mismatches printed in full (default 20).", DefaultValueFactory = _ => 20 };
        verify.Arguments.Add(dir);
        verify.Options.Add(expected);
        verify.Options.Add(maxShown);
        // CliException (one-line message, exit code) is printed by Program.Main.
        verify.SetAction(parse => Verify(parse.GetValue(dir)!, parse.GetValue(expected)!, parse.GetValue(maxShown), Console.Out));
        command.Subcommands.Add(verify);
        return command;
    }

    internal static int Verify(string dir, string expectedPath, int maxShown, TextWriter output)
    {
        if (!File.Exists(expectedPath)) throw new CliException($"{expectedPath}: file not found");
        HfTokenizer tokenizer;
        try { tokenizer = HfTokenizer.Load(dir); }
        catch (TokenizerFormatException e) { throw new CliException(e.Message); }
        Lazy<ChatTemplate> template = new(() =>
        {
            try { return ChatTemplate.Load(dir); }
            catch (ChatTemplateException e) { throw new CliException(e.Message); }
        });

        int lineNumber = 0, checkedLines = 0, mismatchedLines = 0, shown = 0;
        foreach (string line in File.ReadLines(expectedPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement record;
            try { record = JsonDocument.Parse(line).RootElement; }
            catch (JsonException e) { throw new CliException($"{expectedPath}:{lineNumber}: not valid JSON: {e.Message}"); }
            if (record.ValueKind != JsonValueKind.Object) throw new CliException($"{expectedPath}:{lineNumber}: expected a JSON object");

            var problems = record.TryGetProperty("messages", out _)
                ? CheckChat(record, tokenizer, template, $"{expectedPath}:{lineNumber}")
                : CheckEncoding(record, tokenizer, $"{expectedPath}:{lineNumber}");
            checkedLines++;
            if (problems.Count == 0) continue;
            mismatchedLines++;
            foreach (var p in problems)
                if (shown++ < maxShown) output.WriteLine($"MISMATCH line {lineNumber}: {p}");
        }
        if (checkedLines == 0) throw new CliException($"{expectedPath}: no records");
        if (shown > maxShown) output.WriteLine($"... {shown - maxShown} more mismatches not shown (--max-shown)");
        output.WriteLine($"{Path.GetFileName(Path.TrimEndingDirectorySeparator(dir))}: {checkedLines} records, {checkedLines - mismatchedLines} match, {mismatchedLines} mismatch ({Path.GetFileName(expectedPath)})");
        return mismatchedLines == 0 ? 0 : 1;
    }

    private static List<string> CheckEncoding(JsonElement record, HfTokenizer tokenizer, string where)
    {
        string text = RequireString(record, "text", where);
        if (!record.TryGetProperty("ids", out var idsJson)) throw new CliException($"{where}: an encoding record needs \"ids\" (a chat record needs \"messages\")");
        var problems = new List<string>();
        CompareIds("ids", text, ReadIds(idsJson, where, "ids"), tokenizer.Encode(text), problems);
        if (record.TryGetProperty("ids_with_special", out var special))
            CompareIds("ids_with_special", text, ReadIds(special, where, "ids_with_special"), tokenizer.Encode(text, addSpecialTokens: true), problems);
        if (record.TryGetProperty("decoded", out var decodedJson))
        {
            if (decodedJson.ValueKind != JsonValueKind.String) throw new CliException($"{where}: \"decoded\" must be a string");
            CompareText($"decode of ids for {Quote(text, 40)}", decodedJson.GetString()!, tokenizer.Decode(ReadIds(idsJson, where, "ids")), problems);
        }
        return problems;
    }

    private static List<string> CheckChat(JsonElement record, HfTokenizer tokenizer, Lazy<ChatTemplate> template, string where)
    {
        var messagesJson = record.GetProperty("messages");
        if (messagesJson.ValueKind != JsonValueKind.Array) throw new CliException($"{where}: \"messages\" must be an array");
        var messages = new List<ChatMessage>();
        foreach (var m in messagesJson.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object) throw new CliException($"{where}: each message must be an object with role and content");
            messages.Add(new ChatMessage(RequireString(m, "role", where), RequireString(m, "content", where)));
        }
        var options = new ChatRenderOptions(ReadBool(record, "add_generation_prompt", where), ReadBool(record, "continue_final_message", where));
        var problems = new List<string>();
        string label = $"chat of {messages.Count} messages (add_generation_prompt={options.AddGenerationPrompt}, continue_final_message={options.ContinueFinalMessage})";
        string rendered;
        try { rendered = template.Value.Render(messages, options); }
        catch (ChatTemplateException e)
        {
            if (!record.TryGetProperty("error", out _)) problems.Add($"{label}: expected a render, got error: {e.Message}");
            else if (!e.RefusedByTemplate) problems.Add($"{label}: expected the template to refuse, got a different error: {e.Message}");
            return problems;
        }
        if (record.TryGetProperty("error", out var err))
        {
            problems.Add($"{label}: expected the template to refuse ({err}), but it rendered {Quote(rendered, 80)}");
            return problems;
        }
        if (record.TryGetProperty("text", out var textJson)) CompareText(label, textJson.GetString() ?? "", rendered, problems);
        if (record.TryGetProperty("ids", out var ids)) CompareIds("chat ids", label, ReadIds(ids, where, "ids"), tokenizer.Encode(rendered), problems);
        return problems;
    }

    private static void CompareIds(string what, string text, int[] expected, int[] got, List<string> problems)
    {
        if (expected.AsSpan().SequenceEqual(got)) return;
        int i = 0;
        while (i < expected.Length && i < got.Length && expected[i] == got[i]) i++;
        string e = i < expected.Length ? expected[i].ToString() : "(end)";
        string g = i < got.Length ? got[i].ToString() : "(end)";
        problems.Add($"{what} of {Quote(text, 60)}: first difference at index {i}: expected {e} got {g} (lengths {expected.Length} vs {got.Length})");
    }

    private static void CompareText(string what, string expected, string got, List<string> problems)
    {
        if (expected == got) return;
        int i = 0;
        while (i < expected.Length && i < got.Length && expected[i] == got[i]) i++;
        problems.Add($"{what}: first difference at char {i}: expected {Quote(Around(expected, i), 80)} got {Quote(Around(got, i), 80)}");
    }

    private static string Around(string s, int i) => i >= s.Length ? "(end)" : s[Math.Max(0, i - 10)..Math.Min(s.Length, i + 30)];

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string s, int max) => JsonSerializer.Serialize(s.Length > max ? s[..max] + "…" : s, Readable);

    private static string RequireString(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new CliException($"{where}: missing string field \"{name}\"");

    private static bool ReadBool(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CliException($"{where}: \"{name}\" must be true or false"),
        };
    }

    private static int[] ReadIds(JsonElement e, string where, string name)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new CliException($"{where}: \"{name}\" must be an array of integers");
        var ids = new int[e.GetArrayLength()];
        int i = 0;
        foreach (var x in e.EnumerateArray())
            ids[i++] = x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int v) ? v : throw new CliException($"{where}: \"{name}\" must be an array of integers");
        return ids;
    }
}
