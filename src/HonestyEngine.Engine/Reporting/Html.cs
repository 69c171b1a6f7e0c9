using System.Text;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Escaping for text and attribute values in report.html (names and errors are user text).</summary>
internal static class Html
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Rough width of a label in the report's 12px sans-serif font, to size SVG margins without a browser.</summary>
    public static double TextWidth(string text, double fontPx = 12) => text.Length * fontPx * 0.6;
}
