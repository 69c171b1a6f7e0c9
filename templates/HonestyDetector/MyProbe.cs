using HonestyEngine.Abstractions;

namespace MyProbe;

/// <summary>A difference-of-means lie detector (the Apollo / RepE recipe): the direction from honest to deceptive
/// activations on instructed honest/deceptive pairs, read at a residual layer; a transcript's score is the
/// projection of its final-token activation on that direction (higher = more likely a lie).
/// Edit Score to try your own idea; bump Version when its behaviour changes so cached results are recomputed.</summary>
[Method("MyProbe", Family = "white-box/probe", Anchor = "Goldowsky-Dill et al. 2025", Version = "1",
    Description = "Difference of means on instructed pairs at a residual layer.")]
public sealed class MyProbeDetector : IDetector
{
    /// <summary>Each value becomes its own row of the comparison; negative layers count from the end.</summary>
    [Params(-1, -2)]
    [QuickParams(-1)]
    public int Layer { get; set; }

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        var hook = HookNames.ResidPost(context.CheckLayer(Layer));

        // 1. Training data: the same statements under an honest and a deceptive instruction (never the eval labels).
        var pairs = context.Resources.Get(ResourceNames.InstructedPairs);
        var prompts = pairs.Select(p => new Prompt { Messages = [.. p.Messages, ChatMessage.Assistant(p.Response ?? "")], Render = ChatRenderOptions.Complete }).ToList();
        var train = context.Activations.GetForPrompts(context.Model, prompts, hook);

        // 2. Direction = mean(deceptive) - mean(honest).
        int d = train.RowLength;
        var deceptive = new double[d];
        var honest = new double[d];
        int nDeceptive = 0, nHonest = 0;
        for (int i = 0; i < train.Rows; i++)
        {
            var row = train.ReadRow(i);
            bool isLie = pairs[i].Label == 1;
            var sum = isLie ? deceptive : honest;
            if (isLie) nDeceptive++; else nHonest++;
            for (int j = 0; j < d; j++) sum[j] += row[j];
        }
        if (nDeceptive == 0 || nHonest == 0)
            throw new MethodInputException($"'{ResourceNames.InstructedPairs}' needs honest and deceptive items; found {nHonest} and {nDeceptive}.");
        var direction = new float[d];
        for (int j = 0; j < d; j++) direction[j] = (float)(deceptive[j] / nDeceptive - honest[j] / nHonest);

        // 3. Score every transcript (eval, control and, where the host makes them, counterfactual) with the host's
        //    compute backend. Transcripts carry only their id, split and messages (contract 2.0): no labels.
        var acts = context.Activations.Get(context.Model, transcripts, hook);
        var scores = new float[acts.Rows];
        context.Compute.ProjectScores(acts.Data, acts.Rows, d, direction, 1, [0f], scores);
        return scores.Select(s => (double)s).ToList();
    }
}
