using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>What the engine reads from a dataset item's metadata for the metrics (never passed to methods).</summary>
internal static class ItemFacts
{
    /// <summary>Whether the item carries the testbed's trigger: meta "trigger" is "off" (no) or names the condition under
    /// which the dishonest behaviour is expected ("on", "heldout", "behaviour", "belief": yes); null when the item
    /// does not say (imported or fixed-response datasets).</summary>
    public static bool? Trigger(DatasetItem item) => item.GetMeta("trigger") switch
    {
        null or "" => null,
        "off" => false,
        _ => true,
    };

    /// <summary>The subject the item asks about, which its phrasings and its trigger / no-trigger versions share: the
    /// bootstrap resamples these groups. meta "subject", else meta "secret" (the direct questions about a secret all ask
    /// about that one fact), else the item itself.</summary>
    public static string Group(DatasetItem item) => item.GetMeta("subject") is { Length: > 0 } subject ? $"subject:{subject}"
        : item.GetMeta("secret") is { Length: > 0 } secret ? $"secret:{secret}"
        : $"item:{item.Id}";
}
