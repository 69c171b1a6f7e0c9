using System.Text;

namespace HonestyEngine.Engine.Running;

internal static class CachePaths
{
    /// <summary>A name made safe for a file name (keeps letters, digits, '-', '_', '.'), shortened to 60 chars.</summary>
    public static string Safe(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        var s = sb.ToString().Trim('.');
        return s.Length == 0 ? "_" : s.Length > 60 ? s[..60] : s;
    }
}
