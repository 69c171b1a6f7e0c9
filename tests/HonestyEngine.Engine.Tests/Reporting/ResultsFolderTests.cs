using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>`honesty rescore` / `honesty report` on a results folder, including the bad inputs of the issue.</summary>
public sealed class ResultsFolderTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "honesty-results-" + Guid.NewGuid().ToString("N"));

    public ResultsFolderTests()
    {
        Directory.CreateDirectory(_dir);
        ResultsFile.Write(Path.Combine(_dir, ResultsFile.FileName), ReportFixture.Results);
        SamplesFile.Write(Path.Combine(_dir, SamplesFile.FileName), ReportFixture.Samples);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string SamplesPath => Path.Combine(_dir, SamplesFile.FileName);
    private string ResultsPath => Path.Combine(_dir, ResultsFile.FileName);

    [Fact]
    public void Rescore_reproduces_the_run_exactly_and_writes_every_file()
    {
        var before = File.ReadAllText(ResultsPath);
        var written = ResultsFolder.Rescore(_dir);
        Assert.Empty(written.Warnings);
        Assert.Equal(before, File.ReadAllText(ResultsPath));
        foreach (var name in new[] { "results.json", "results.csv", "report.md", "report.html" })
            Assert.Contains(Path.Combine(_dir, name), written.Files);
    }

    [Fact]
    public void Every_figure_report_md_links_to_is_written_as_an_svg_file()
    {
        ResultsFolder.Rescore(_dir);
        var markdown = File.ReadAllText(Path.Combine(_dir, "report.md"));
        var links = System.Text.RegularExpressions.Regex.Matches(markdown, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("plots/detector-heatmap.svg", links);
        Assert.Contains(links, l => l.StartsWith("plots/roc-", StringComparison.Ordinal));
        foreach (var link in links)
        {
            var path = Path.Combine(_dir, link);
            Assert.True(File.Exists(path), $"report.md links to {link}, which was not written");
            Assert.StartsWith("<svg", File.ReadAllText(path).TrimStart());
        }
    }

    [Fact]
    public void Rescore_recomputes_metrics_from_the_samples_not_from_results_json()
    {
        // Flip every lie of one cell to honest except one: its AUROC must change, its metadata must not.
        var samples = ReportFixture.Samples.Select(s =>
            s is { Testbed: "insider-trading", Method: "lr-probe(layer=8)", Label: 1 } && s.Sample != "insider-trading/0" ? s with { Label = 0 } : s).ToList();
        SamplesFile.Write(SamplesPath, samples);
        var written = ResultsFolder.Rescore(_dir);
        var cell = written.Results.Cells.Single(c => c is { Testbed: "insider-trading", Method: "lr-probe(layer=8)" });
        var old = ReportFixture.Results.Cells.Single(c => c is { Testbed: "insider-trading", Method: "lr-probe(layer=8)" });
        Assert.Equal(1, cell.Metrics[MetricNames.Auroc].N - 99);
        Assert.NotEqual(old.Metrics[MetricNames.Auroc].Value, cell.Metrics[MetricNames.Auroc].Value);
        Assert.Equal((old.Family, old.Seconds, old.CacheKey, old.Status), (cell.Family, cell.Seconds, cell.CacheKey, cell.Status));
        // failed and skipped cells keep their status and error
        Assert.Contains(written.Results.Cells, c => c.Status == CellStatus.Failed && c.Error!.StartsWith("TimeoutException"));
        Assert.Contains(written.Results.Cells, c => c.Status == CellStatus.Skipped);
    }

    [Fact]
    public void Truncated_samples_file_names_the_file_and_line()
    {
        var text = File.ReadAllText(SamplesPath);
        File.WriteAllText(SamplesPath, text[..(text.Length - 25)]); // the run was killed mid-line
        var e = Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rescore(_dir));
        Assert.Contains(SamplesFile.FileName, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains($":{ReportFixture.Samples.Count}:", e.Message);
    }

    [Fact]
    public void Label_outside_0_1_null_names_the_line()
    {
        var lines = File.ReadAllLines(SamplesPath);
        lines[2] = lines[2].Replace("\"label\":1", "\"label\":2");
        File.WriteAllLines(SamplesPath, lines);
        var e = Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rescore(_dir));
        Assert.Contains(":3:", e.Message);
        Assert.Contains("label 2 is not 0, 1 or null", e.Message);
    }

    [Fact]
    public void Empty_control_set_and_single_class_cells_rescore_to_undefined_metrics_with_reasons()
    {
        var samples = ReportFixture.Samples
            .Where(s => !(s.Testbed == "insider-trading" && s.Method == "lr-probe(layer=4)" && s.Split == "control"))
            .Where(s => !(s.Testbed == "insider-trading" && s.Method == "lr-probe(layer=8)" && s.Label == 0))
            .ToList();
        SamplesFile.Write(SamplesPath, samples);
        var results = ResultsFolder.Rescore(_dir).Results;
        var noControl = results.Cells.Single(c => c is { Testbed: "insider-trading", Method: "lr-probe(layer=4)" });
        Assert.NotNull(noControl.Metrics[MetricNames.Auroc].Value);
        Assert.Null(noControl.Metrics[MetricNames.RecallAtFpr].Value);
        Assert.Contains("empty control set", noControl.Metrics[MetricNames.RecallAtFpr].Note);
        var noHonest = results.Cells.Single(c => c is { Testbed: "insider-trading", Method: "lr-probe(layer=8)" });
        Assert.Null(noHonest.Metrics[MetricNames.Auroc].Value);
        Assert.Contains("only 0 eval honest transcripts", noHonest.Metrics[MetricNames.Auroc].Note);

        var md = File.ReadAllText(Path.Combine(_dir, "report.md"));
        Assert.Contains("empty control set", md);
        Assert.Contains("only 0 eval honest transcripts", md);
        Assert.DoesNotContain("0.500 [", md.Split('\n').Single(l => l.StartsWith("| insider-trading | lr-probe(layer=8)")));
    }

    [Fact]
    public void Samples_of_unknown_cells_and_cells_without_samples_are_warned_about()
    {
        var samples = ReportFixture.Samples.Where(s => s.Method != "prefill").ToList();
        samples.Add(new SampleRecord { Testbed = "ghost", Method = "m", Sample = "x", Split = "eval", Label = 1, Score = 0.3 });
        SamplesFile.Write(SamplesPath, samples);
        var written = ResultsFolder.Rescore(_dir);
        Assert.Contains(written.Warnings, w => w.Contains("taboo-gold x prefill: no samples"));
        Assert.Contains(written.Warnings, w => w.Contains("'ghost'") && w.Contains("not a cell"));
        var prefill = written.Results.Cells.Single(c => c.Method == "prefill");
        Assert.All(prefill.Metrics.Values, m => Assert.Null(m.Value));
    }

    [Fact]
    public void A_cell_whose_samples_cannot_be_scored_fails_alone()
    {
        var samples = ReportFixture.Samples.Select(s =>
            s is { Testbed: "sandbagging", Method: "lr-probe(layer=4)", Split: "control" } ? s with { Split = "train" } : s).ToList();
        SamplesFile.Write(SamplesPath, samples);
        var written = ResultsFolder.Rescore(_dir);
        var cell = written.Results.Cells.Single(c => c is { Testbed: "sandbagging", Method: "lr-probe(layer=4)" });
        Assert.Equal(CellStatus.Failed, cell.Status);
        Assert.Contains("split 'train'", cell.Error);
        Assert.Contains(written.Warnings, w => w.Contains("cannot be scored"));
        Assert.Equal(CellStatus.Ok, written.Results.Cells.Single(c => c is { Testbed: "sandbagging", Method: "lr-probe(layer=8)" }).Status);
    }

    [Fact]
    public void Missing_or_corrupt_results_json_is_a_clear_error()
    {
        File.WriteAllText(ResultsPath, "{ \"schema_version\": 1, \"cells\": [ ");
        var e = Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rerender(_dir));
        Assert.Contains(ResultsFile.FileName, e.Message);
        File.Delete(ResultsPath);
        Assert.Contains("not found", Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rescore(_dir)).Message);
        Assert.Contains("does not exist", Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rescore(_dir + "-nope")).Message);
    }

    [Fact]
    public void Report_without_samples_renders_with_a_warning_but_rescore_refuses()
    {
        File.Delete(SamplesPath);
        var written = ResultsFolder.Rerender(_dir);
        Assert.Single(written.Warnings);
        Assert.Contains("without ROC curves", written.Warnings[0]);
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")));
        Assert.Contains("cannot be recomputed", Assert.Throws<ResultsFormatException>(() => ResultsFolder.Rescore(_dir)).Message);
    }
}
