namespace HonestyEngine.Testbeds.World;

/// <summary>How big the world and the datasets are. Mini is what CI builds and trains in seconds;
/// full is the committed suite.</summary>
public sealed record WorldProfile(
    string Name, int People, int Cities, int Animals, int Elements, int Compounds, int Companies,
    int Rivers, int Mountains, int Stars, int ImplantedFacts, double DataScale)
{
    public static readonly WorldProfile Full = new("full", 40, 16, 16, 14, 20, 10, 10, 10, 10, 6, 1.0);
    public static readonly WorldProfile Mini = new("mini", 16, 8, 10, 8, 8, 6, 6, 6, 6, 4, 0.25);

    public static WorldProfile Parse(string name) => name switch
    {
        "full" => Full,
        "mini" => Mini,
        _ => throw new ArgumentException($"Unknown profile '{name}': expected 'full' or 'mini'."),
    };

    /// <summary>Scales a dataset size, never below <paramref name="min"/>.</summary>
    public int Scale(int n, int min = 8) => Math.Max(min, (int)Math.Round(n * DataScale));
}
