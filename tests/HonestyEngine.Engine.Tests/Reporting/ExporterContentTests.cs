using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>Properties of the outputs that approval files alone would not make explicit.</summary>
public class ExporterContentTests
{
    private static ReportData Data => new(ReportFixture.Results, ReportFixture.Samples);

    [Fact]
    public void Csv_has_one_row_per_metric_and_eighteen_fields_per_row_even_with_quotes_and_newlines()
    {
        var rows = ParseCsv(new CsvExporter().Render(Data));
        Assert.Equal(CsvExporter.Header.Split(','), rows[0]);
        Assert.All(rows, r => Assert.Equal(18, r.Count));
        int expected = ReportFixture.Results.Cells.Sum(c => Math.Max(1, c.Metrics.Count));
        Assert.Equal(expected, rows.Count - 1);
        var failed = rows.Single(r => r[7] == "failed");
        Assert.Equal("TimeoutException: ran past its 60 s budget | model said \"no\", twice\nat FollowUp.Score()", failed[8]);
    }

    [Fact]
    public void Markdown_ranks_by_mean_and_never_prints_a_placeholder_for_undefined_auroc()
    {
        var md = new MarkdownExporter().Render(Data);
        var rows = md.Split('\n').SkipWhile(l => !l.StartsWith("| Method | insider-trading")).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.StartsWith("| lr-probe(layer=8) |", rows[0]);
        Assert.EndsWith("| 1 | 0 |", rows[0]);
        var blind = rows.Single(r => r.StartsWith("| blind-detector |"));
        Assert.Contains("| n/a |", blind);
        Assert.Contains("only 0 eval lies (label 1); at least 10 are needed", md);
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
    public void Ranks_share_ties_visibly_and_failed_methods_and_reference_rows_are_not_ranked()
    {
        var samples = new List<SampleRecord>();
        var rng = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        List<SampleRecord> Cell(string method, double shift) => Enumerable.Range(0, 60).Select(i => new SampleRecord
        {
            Testbed = "t", Method = method, Sample = $"s{i}", Split = i < 40 ? "eval" : "control", Label = i < 20 ? 1 : 0,
            Score = (i < 20 ? shift : 0) + Normal(), Group = $"g{i}", Trigger = i < 30,
        }).ToList();
        var a = Cell("a", 1.0);
        samples.AddRange(a);
        samples.AddRange(a.Select(x => x with { Method = "c" })); // c scores exactly like a: a tie
        samples.AddRange(Cell("b", 3.0));
        samples.AddRange(Cell("e", 0.2));
        samples.AddRange(Cell("ref", 5.0));
        CellResult C(string m, string status = CellStatus.Ok, string role = CellRole.Method) =>
            new() { Testbed = "t", Method = m, Family = "f", Kind = "detector", Status = status, Role = role };
        var run = new RunResults { Cells = [C("a"), C("b"), C("c"), C("d", CellStatus.Failed), C("e"), C("ref", role: CellRole.Reference)] };
        var scored = HonestyEngine.Engine.Metrics.RunMetrics.Compute(run, samples).Results;
        var table = ReportTable.Build(scored, "detector")!;
        Assert.Equal(["b", "a", "c", "e", "d", "ref"], table.Rows.Select(r => r.Method));
        Assert.Equal(["1", "=2", "=2", "4", "—", "reference"], table.Rows.Select(ReportTable.RankText));
        var ranking = scored.Rankings.Single();
        Assert.Equal(["t"], ranking.Testbeds);
        Assert.Contains(ranking.NotRanked, n => n.Method == "d");
        // b is far above a; a and c are identical, so their difference is exactly 0 and not distinguishable.
        Assert.True(ranking.Comparisons[0].Distinguishable);
        Assert.Equal(0.0, ranking.Comparisons[1].Difference);
        Assert.False(ranking.Comparisons[1].Distinguishable);
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
