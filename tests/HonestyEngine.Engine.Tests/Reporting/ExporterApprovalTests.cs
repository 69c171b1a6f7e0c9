using System.Globalization;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Tests.Metrics;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>Every exporter renders the fixed run to exactly its approved file, under the invariant culture and under
/// cultures with a decimal comma (de-DE) or comma plus narrow-space grouping (fr-FR). On a difference the output is
/// written to bin/.../received/ and the message says how to approve it after review.</summary>
public class ExporterApprovalTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var exporter in new[] { "markdown", "csv", "json", "html", "console" })
            foreach (var culture in new[] { "", "de-DE", "fr-FR" })
                data.Add(exporter, culture);
        return data;
    }

    private static IExporter Exporter(string name) => name switch
    {
        "markdown" => new MarkdownExporter(),
        "csv" => new CsvExporter(),
        "json" => new JsonExporter(),
        "html" => new HtmlExporter(),
        "console" => new ConsoleExporter(width: 160),
        _ => throw new ArgumentException(name),
    };

    private static string ApprovedName(string exporter) => exporter switch
    {
        "markdown" => "report.approved.md",
        "csv" => "results.approved.csv",
        "json" => "results.approved.json",
        "html" => "report.approved.html",
        "console" => "console.approved.txt",
        _ => throw new ArgumentException(exporter),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_approved_file(string exporter, string culture)
    {
        string rendered = RenderUnder(culture, () => Exporter(exporter).Render(new ReportData(ReportFixture.Results, ReportFixture.Samples)));
        var approvedPath = Path.Combine(RepoPaths.TestsSource, "Reporting", "approved", ApprovedName(exporter));
        string? approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : null;
        if (rendered == approved) return;

        var receivedDir = Path.Combine(AppContext.BaseDirectory, "received");
        Directory.CreateDirectory(receivedDir);
        var receivedPath = Path.Combine(receivedDir, ApprovedName(exporter).Replace(".approved.", $".{(culture == "" ? "invariant" : culture)}.received."));
        File.WriteAllText(receivedPath, rendered);
        string where = approved is null ? "is missing" : $"differs (first difference at character {FirstDifference(approved, rendered)})";
        Assert.Fail($"{exporter} output under culture '{culture}' {where}.\nReceived: {receivedPath}\n" +
                    $"Review it, then approve with: cp '{receivedPath}' '{approvedPath}'");
    }

    [Fact]
    public void Cultures_used_by_the_approval_tests_are_real()
    {
        // Guards against the test project running with InvariantGlobalization, which would make the
        // de-DE / fr-FR cases pass trivially.
        Assert.Equal(",", new CultureInfo("de-DE").NumberFormat.NumberDecimalSeparator);
        Assert.Equal("0,5", RenderUnder("de-DE", () => 0.5.ToString()));
    }

    internal static string RenderUnder(string culture, Func<string> render)
    {
        var (c, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture == "" ? CultureInfo.InvariantCulture : new CultureInfo(culture);
            return render();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (c, ui);
        }
    }

    private static int FirstDifference(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return n;
    }
}
