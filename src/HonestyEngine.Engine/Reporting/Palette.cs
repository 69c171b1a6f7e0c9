using System.Globalization;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Colours of the HTML report: a categorical palette for methods (Tableau 10) and a sequential,
/// colour-blind-safe scale for metric values in [0, 1] (viridis, 5 stops, linearly interpolated).</summary>
internal static class Palette
{
    private static readonly string[] Categorical =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    private static readonly (double At, int R, int G, int B)[] Viridis =
        [(0.0, 0x44, 0x01, 0x54), (0.25, 0x3b, 0x52, 0x8b), (0.5, 0x21, 0x91, 0x8c), (0.75, 0x5e, 0xc9, 0x62), (1.0, 0xfd, 0xe7, 0x25)];

    public static IReadOnlyList<(double At, string Hex)> ScaleStops =>
        Viridis.Select(s => (s.At, Hex(s.R, s.G, s.B))).ToList();

    public static string Method(int index) => Categorical[index % Categorical.Length];

    public static string Scale(double value)
    {
        double v = Math.Clamp(value, 0, 1);
        for (int i = 1; i < Viridis.Length; i++)
        {
            if (v > Viridis[i].At) continue;
            var (a, b) = (Viridis[i - 1], Viridis[i]);
            double f = (v - a.At) / (b.At - a.At);
            return Hex(Lerp(a.R, b.R, f), Lerp(a.G, b.G, f), Lerp(a.B, b.B, f));
        }
        return Hex(Viridis[^1].R, Viridis[^1].G, Viridis[^1].B);
    }

    /// <summary>Dark text on the light end of the scale, white on the dark end.</summary>
    public static string TextOn(double value) => value >= 0.62 ? "#111" : "#fff";

    private static int Lerp(int a, int b, double f) => (int)Math.Round(a + (b - a) * f);

    private static string Hex(int r, int g, int b) =>
        "#" + r.ToString("x2", CultureInfo.InvariantCulture) + g.ToString("x2", CultureInfo.InvariantCulture) + b.ToString("x2", CultureInfo.InvariantCulture);
}
