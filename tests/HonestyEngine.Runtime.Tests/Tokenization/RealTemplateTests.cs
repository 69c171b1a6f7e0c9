using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Chat templates of other model families (Llama 3.1 with tools and date header, Mistral, Gemma 2 which
/// refuses system turns, Phi-3) and our ChatML, against jinja2 + transformers' continue_final_message logic
/// (JinjaCases/generate_template_cases.py writes template_cases.json).</summary>
public sealed class RealTemplateTests
{
    private static JsonElement Load()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string path = Path.Combine(dir!.FullName, "tests", "HonestyEngine.Runtime.Tests", "Tokenization", "JinjaCases", "template_cases.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    [Fact]
    public void Every_case_matches_transformers()
    {
        var root = Load();
        var templates = root.GetProperty("templates");
        int count = 0, refusals = 0;
        var failures = new List<string>();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            count++;
            string name = c.GetProperty("template").GetString()!;
            var specials = c.GetProperty("special_tokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var template = ChatTemplate.FromJinja(templates.GetProperty(name).GetString()!, specials, name);
            var messages = c.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
            var options = new ChatRenderOptions(c.GetProperty("add_generation_prompt").GetBoolean(), c.GetProperty("continue_final_message").GetBoolean());
            var variables = c.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
            string label = $"{name} #{count} ({messages.Count} messages, agp={options.AddGenerationPrompt}, prefill={options.ContinueFinalMessage}, vars={string.Join(",", variables.Keys)})";
            try
            {
                string got = template.Render(messages, options, variables);
                if (c.TryGetProperty("error", out var err)) failures.Add($"{label}: expected refusal '{err.GetString()}', got a render");
                else if (got != c.GetProperty("text").GetString()) failures.Add($"{label}: expected {JsonSerializer.Serialize(c.GetProperty("text").GetString())}\n   got {JsonSerializer.Serialize(got)}");
            }
            catch (ChatTemplateException e)
            {
                if (c.TryGetProperty("error", out var err) && e.RefusedByTemplate && e.Message.Contains(err.GetString()!)) { refusals++; continue; }
                failures.Add($"{label}: unexpected error {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(count > 100);
        Assert.True(refusals > 5);
    }

    [Fact]
    public void Our_ChatMl_jinja_is_the_one_checked_against_jinja2()
    {
        Assert.Equal(ChatTemplate.ChatMlJinja, Load().GetProperty("templates").GetProperty("chatml").GetString());
    }
}
