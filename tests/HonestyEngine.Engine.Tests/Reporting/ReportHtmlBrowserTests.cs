using HonestyEngine.Engine.Reporting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HonestyEngine.Engine.Tests.Reporting;

/// <summary>report.html opened in headless Debian Chromium through Playwright: the heatmap, ROC curves and CI bars
/// are really rendered (non-empty boxes), the page works with every network request refused, and a screenshot is
/// saved next to the test binaries (report-browser/report.png) to look at.</summary>
public class ReportHtmlBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Report_renders_heatmap_roc_curves_and_bars_offline()
    {
        Assert.True(File.Exists(Chromium),
            $"{Chromium} not found: this test opens report.html in headless Chromium. Run scripts/install-deps.sh (as root) to install Debian's chromium; CI installs it.");

        var dir = Path.Combine(AppContext.BaseDirectory, "report-browser");
        Directory.CreateDirectory(dir);
        ReportWriter.WriteAll(ReportFixture.Results, ReportFixture.Samples, dir);
        var htmlPath = Path.Combine(dir, "report.html");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        // Self-contained means: nothing but the file itself is fetched. Refuse and record anything else.
        var external = new List<string>();
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file://", StringComparison.Ordinal)) await route.ContinueAsync();
            else { external.Add(route.Request.Url); await route.AbortAsync(); }
        });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        var response = await page.GotoAsync(new Uri(htmlPath).AbsoluteUri);
        Assert.NotNull(response);
        Assert.True(response!.Ok, $"loading {htmlPath} failed: {response.Status}");

        int detectorRows = ReportFixture.Detectors.Length + 1 /* the trigger-presence reference row */, detectorCols = ReportFixture.DetectorTestbeds.Length;
        Assert.Equal(3, await page.Locator("svg.heatmap").CountAsync()); // detectors, interventions, elicitors
        Assert.Equal(detectorRows * detectorCols, await page.Locator("svg.heatmap[data-kind=detector] rect.heat-cell").CountAsync());
        Assert.Equal(1, await page.Locator("svg.heatmap[data-kind=detector] rect.heat-cell[data-state=failed]").CountAsync());
        Assert.Equal(1, await page.Locator("svg.heatmap[data-kind=detector] rect.heat-cell[data-state=undefined]").CountAsync());

        // One ROC plot per detector testbed; insider-trading has 4 curves and the reference's, sandbagging 2 and the
        // reference's (one failed, one without lies).
        Assert.Equal(detectorCols, await page.Locator("svg.roc").CountAsync());
        Assert.Equal(5, await page.Locator("svg.roc[data-testbed='insider-trading'] polyline.roc-curve").CountAsync());
        Assert.Equal(3, await page.Locator("svg.roc[data-testbed='sandbagging'] polyline.roc-curve").CountAsync());
        var curve = page.Locator("svg.roc[data-testbed='insider-trading'] polyline.roc-curve[data-method='lr-probe(layer=8)']");
        var points = (await curve.GetAttributeAsync("points"))!.Split(' ');
        Assert.True(points.Length > 10, "the ROC curve should have one point per distinct threshold");

        foreach (var selector in new[] { "svg.heatmap[data-kind=detector]", "svg.roc[data-testbed='insider-trading']", "svg.bars[data-kind=detector]" })
        {
            var box = await page.Locator(selector).BoundingBoxAsync();
            Assert.True(box is { Width: > 100, Height: > 100 }, $"{selector} is not rendered (box {box?.Width}x{box?.Height})");
        }
        Assert.True(await page.Locator("svg.bars rect.bar").CountAsync() >= 10);
        Assert.True(await page.Locator("svg.bars g.ci").CountAsync() >= 10);
        Assert.Contains("TimeoutException", await page.Locator("section#detector ul.notes").InnerTextAsync());

        Assert.Empty(external);
        Assert.Empty(consoleErrors);
        Assert.Equal(0, await page.Locator("script, link[rel=stylesheet], img, iframe").CountAsync());

        var screenshot = Path.Combine(dir, "report.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        foreach (var kind in new[] { "detector", "intervention", "elicitor" })
            await page.Locator($"section#{kind}").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(dir, $"report-{kind}.png") });
        output.WriteLine($"screenshot: {screenshot}");
    }
}
