namespace HonestyEngine.Testbeds.Recipes;

/// <summary>AuditBench's construction axes: how the behaviour is instilled and whether anti-confession
/// (adversarial) training follows. The default variant has the plain testbed name; the others are suffixed
/// "-td"/"-sdf" and "-none"/"-sft", e.g. "quirk-defend-objects-td-none".</summary>
public sealed record Variant(string Implant, string Adversarial)
{
    public static readonly Variant[] All = [new("documents", "sft"), new("documents", "none"), new("transcripts", "sft"), new("transcripts", "none")];

    public string Suffix => $"-{(Implant == "documents" ? "sdf" : "td")}-{Adversarial}";

    public string NameFor(string baseName, Variant defaultVariant) => this == defaultVariant ? baseName : baseName + Suffix;

    public static Variant Parse(string implant, string adversarial)
    {
        if (implant is not ("transcripts" or "documents")) throw new ArgumentException($"--implant must be 'transcripts' or 'documents', got '{implant}'.");
        if (adversarial is not ("none" or "sft")) throw new ArgumentException($"--adversarial must be 'none' or 'sft', got '{adversarial}'.");
        return new(implant, adversarial);
    }
}
