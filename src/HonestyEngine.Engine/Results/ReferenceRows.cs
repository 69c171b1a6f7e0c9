namespace HonestyEngine.Engine.Results;

/// <summary>The rows the engine computes itself, next to the methods, so a reader sees per testbed what a method's
/// number must beat: never ranked (<see cref="CellRole.Reference"/>).</summary>
public static class ReferenceRows
{
    /// <summary>Interventions: the untreated model's own responses, scored like any intervention on the same items.</summary>
    public const string NoIntervention = "no-intervention";
    /// <summary>Detectors: scores 1 where the item carries the trigger, 0 elsewhere. Whatever AUROC it reaches, a cue in
    /// the prompt explains.</summary>
    public const string TriggerOracle = "trigger-presence-oracle";
    /// <summary>Detectors: bag-of-words logistic regression on the response text, cross-fitted on the eval labels by
    /// group. How far the surface of the answer alone goes.</summary>
    public const string ResponseText = "response-text-baseline";
    /// <summary>Elicitors: the model's own greedy answer to the elicitation question, asked directly.</summary>
    public const string DirectQuestion = "direct-question";
}
