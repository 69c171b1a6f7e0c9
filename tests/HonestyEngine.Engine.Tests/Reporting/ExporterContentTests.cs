using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>Properties of the outputs that approval files alone would not make explicit.</summary>
public class ExporterContentTests
{
    private static ReportData Data => new(ReportFixture.Results, ReportFixture.Samples);

    [Fact]
    public void Csv_has_one_row_per_metric_and_fifteen_fields_per_row_even_with_quotes_and_newlines()
    {
        var rows = ParseCsv(new CsvExporter().Render(Data));
        Assert.Equal(CsvExporter.Header.Split(','), rows[0]);
        Assert.All(rows, r => Assert.Equal(15, r.Count));
        int expected = ReportFixture.Results.Cells.Sum(c => Math.Max(1, c.Metrics.Count));
        Assert.Equal(expected, rows.Count - 1);
        var failed = rows.Single(r => r[5] == "failed");
        Assert.Equal("TimeoutException: ran past its 60 s budget | model said \"no\", twice\nat FollowUp.Score()", failed[6]);
    }

    [Fact]
    public void Markdown_ranks_by_mean_and_never_prints_a_placeholder_for_undefined_auroc()
    {
        var md = new MarkdownExporter().Render(Data);
        var rows = md.Split('\n').SkipWhile(l => !l.StartsWith("| Method | insider-trading")).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.StartsWith("| lr-probe(layer=8) |", rows[0]);
        Assert.EndsWith("| 1 |", rows[0]);
        var blind = rows.Single(r => r.StartsWith("| blind-detector |"));
        Assert.Contains("| n/a |", blind);
        Assert.Contains("no lies (label 1) among the 40 labelled eval samples", md);
        Assert.Contains("failed: TimeoutException", md);
        Assert.Contains("\\|", md); // the pipe inside the error is escaped, the table keeps its columns
    }

    [Fact]
    public void Html_escapes_user_text_and_references_nothing_external()
    {
        var evil = ReportFixture.Results with
        {
            Cells = [.. ReportFixture.Results.Cells, new CellResult
            {
                Testbed = "<script>alert(1)</script>", Method = "m\"onload=\"x", Family = "f", Kind = "detector",
                Status = CellStatus.Failed, Error = "<img src=x onerror=alert(1)>",
            }],
        };
        var html = new HtmlExporter().Render(new ReportData(evil, ReportFixture.Samples));
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("m\"onload", html);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html); // shown as text

        var clean = new HtmlExporter().Render(Data);
        Assert.DoesNotContain("https://", clean);
        Assert.DoesNotContain(" src=", clean);
        Assert.DoesNotContain("href=", clean);
        Assert.DoesNotContain("@import", clean);
        foreach (var ns in System.Text.RegularExpressions.Regex.Matches(clean, "http://[^\"]*").Select(m => m.Value))
            Assert.Equal("http://www.w3.org/2000/svg", ns); // the SVG namespace is an identifier, never fetched
    }

    [Fact]
    public void Ranks_share_ties_and_methods_without_values_come_last()
    {
        MetricValue V(double v) => new() { Value = v, CiLow = v, CiHigh = v, N = 10 };
        CellResult C(string m, double? v) => new()
        {
            Testbed = "t", Method = m, Family = "f", Kind = "detector", Status = v is null ? CellStatus.Failed : CellStatus.Ok,
            Metrics = v is double d ? new Dictionary<string, MetricValue> { ["auroc"] = V(d) } : new Dictionary<string, MetricValue>(),
        };
        var table = ReportTable.Build(new RunResults { Cells = [C("a", 0.7), C("b", 0.9), C("c", 0.7), C("d", null), C("e", 0.6)] }, "detector")!;
        Assert.Equal(["b", "a", "c", "e", "d"], table.Rows.Select(r => r.Method));
        Assert.Equal([1, 2, 2, 4, (int?)null], table.Rows.Select(r => r.Rank));
    }

    [Fact]
    public void Roc_curve_matches_hand_computed_points_with_ties()
    {
        // lies {0.9, 0.5}, honest {0.5, 0.1}: thresholds 0.9 -> (0, .5); 0.5 (tie) -> (.5, 1); 0.1 -> (1, 1).
        var points = RocCurve.Compute([0.9, 0.5], [0.5, 0.1]);
        Assert.Equal([(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)], points);
    }

    /// <summary>RFC 4180 reader, enough for the test: quoted fields with doubled quotes and embedded newlines.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; }
            else field.Append(c);
        }
        return rows;
    }
}
