using Spectre.Console;

namespace HonestyEngine.Engine.Reporting;

/// <summary>The console summary as plain text (no colours, fixed width), for logs and tests.</summary>
public sealed class ConsoleExporter(int width = 160) : IExporter
{
    public string Name => "console";
    public string? FileName => null;

    public string Render(ReportData data)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        ConsoleSummary.Render(data.Results, console);
        return writer.ToString().ReplaceLineEndings("\n");
    }
}
