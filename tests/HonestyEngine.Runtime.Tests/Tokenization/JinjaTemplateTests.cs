using System.Text.Json;
using HonestyEngine.Runtime.Chat.Jinja;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>The Jinja interpreter against outputs of the real jinja2 3.1 in transformers' configuration
/// (JinjaCases/generate_jinja_cases.py writes jinja_cases.json): whitespace control, trim/lstrip_blocks, loops,
/// namespaces, macros, filters, tests, Python methods and literals, and the errors jinja2 raises.</summary>
public sealed class JinjaTemplateTests
{
    private static string CasesPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HonestyEngine.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, "tests", "HonestyEngine.Runtime.Tests", "Tokenization", "JinjaCases", "jinja_cases.json");
    }

    public static TheoryData<int> CaseIndices()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(CasesPath()));
        return new TheoryData<int>(Enumerable.Range(0, doc.RootElement.GetArrayLength()));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Matches_jinja2(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(CasesPath()));
        var c = doc.RootElement[index];
        string template = c.GetProperty("template").GetString()!;
        var variables = c.GetProperty("variables").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
        if (c.TryGetProperty("error", out var error))
        {
            var e = Assert.ThrowsAny<JinjaException>(() => new JinjaTemplate(template).Render(variables));
            if (error.GetString()!.StartsWith("TemplateError", StringComparison.Ordinal)) Assert.IsType<JinjaRaisedException>(e);
            return;
        }
        Assert.Equal(c.GetProperty("output").GetString(), new JinjaTemplate(template).Render(variables));
    }

    [Theory]
    [InlineData("{% if x %}unclosed", "missing {% endif %}")]
    [InlineData("{{ 1 + }}", "line 1")]
    [InlineData("{% for x in %}{% endfor %}", "line 1")]
    [InlineData("{{ 'unterminated }}", "unterminated string")]
    [InlineData("a\n\n{% include 'other.jinja' %}", "line 3: unsupported statement")]
    [InlineData("{% endfor %}", "unexpected")]
    public void Syntax_errors_name_the_line(string template, string expected)
    {
        var e = Assert.ThrowsAny<JinjaException>(() => new JinjaTemplate(template));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Runtime_errors_name_the_line_and_problem()
    {
        var e = Assert.ThrowsAny<JinjaException>(() => new JinjaTemplate("ok\n{{ 'a' + 1 }}").Render(new Dictionary<string, object?>()));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("'str' and 'int'", e.Message);
        e = Assert.ThrowsAny<JinjaException>(() => new JinjaTemplate("{{ x | nosuchfilter }}").Render(new Dictionary<string, object?>()));
        Assert.Contains("unknown filter 'nosuchfilter'", e.Message);
        e = Assert.ThrowsAny<JinjaException>(() => new JinjaTemplate("{% set l = [] %}{{ l.append(1) }}").Render(new Dictionary<string, object?>()));
        Assert.Contains("sandbox", e.Message);
    }

    [Fact]
    public void Strftime_now_uses_the_given_clock()
    {
        var t = new JinjaTemplate("{{ strftime_now('%d %b %Y') }}");
        Assert.Equal("26 Jul 2024", t.Render(new Dictionary<string, object?>(), () => new DateTime(2024, 7, 26)));
    }
}
