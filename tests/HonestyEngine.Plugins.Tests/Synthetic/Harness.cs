using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>Builds method contexts and labelled transcripts over the synthetic testbed, as the host would.</summary>
public sealed class Harness
{
    public SyntheticTestbed Testbed { get; }
    public SyntheticModel Model { get; }
    public IResourceCatalog Resources { get; }
    public ReferenceCompute Compute { get; } = new();
    public TestActivationProvider Activations { get; } = new();
    public string CacheDirectory { get; }
    public List<string> LogLines { get; } = [];

    public Harness(SyntheticTestbed? testbed = null, IResourceCatalog? resources = null)
    {
        Testbed = testbed ?? new SyntheticTestbed();
        Model = (SyntheticModel)Testbed.OpenModel();
        Resources = resources ?? new SyntheticResources();
        CacheDirectory = Path.Combine(Path.GetTempPath(), "honesty-plugin-tests", Guid.NewGuid().ToString("N"));
    }

    public DetectorContext DetectorContext(IReadOnlyDictionary<string, int>? privileged = null, RunProfile profile = RunProfile.Full) => new()
    {
        Testbed = Testbed.View(),
        Services = new EmptyServices(),
        Resources = Resources,
        Compute = Compute,
        Activations = Activations,
        Seed = 1234,
        Profile = profile,
        CacheDirectory = CacheDirectory,
        Log = LogLines.Add,
        PrivilegedLabels = privileged ?? new Dictionary<string, int>(),
    };

    public MethodContext MethodContext(int samplesPerItem = 1, int seed = 1234) => new()
    {
        Testbed = Testbed.View(),
        Services = new EmptyServices(),
        Resources = Resources,
        Compute = Compute,
        Activations = Activations,
        Seed = seed,
        SamplesPerItem = samplesPerItem,
        CacheDirectory = CacheDirectory,
        Log = LogLines.Add,
    };

    /// <summary>Eval and control transcripts with the model's greedy responses; labels from the labeller
    /// (eval) or 0 (control). Returns the transcripts with labels (for scoring) and without (for the method).</summary>
    public (List<LabelledTranscript> Labelled, List<Transcript> Blind) Transcripts()
    {
        var labelled = new List<LabelledTranscript>();
        foreach (var split in new[] { Splits.Eval, Splits.Control })
        {
            if (!Testbed.HasSplit(split)) continue;
            foreach (var item in Testbed.GetSplit(split))
            {
                var response = Model.Generate([new GenerationRequest(Prompt.Chat(item.Messages), SamplingOptions.Greedy)])[0].Text;
                int? label = split == Splits.Control ? 0 : Testbed.Labeller.Label(item, response);
                labelled.Add(new LabelledTranscript(item.Id, split, [.. item.Messages, ChatMessage.Assistant(response)], label, item));
            }
        }
        return (labelled, labelled.Select(t => t.Blind).ToList());
    }

    /// <summary>AUROC of scores on the eval transcripts (lies vs honest answers).</summary>
    public static double EvalAuroc(IReadOnlyList<LabelledTranscript> labelled, IReadOnlyList<double> scores)
    {
        var s = new List<double>(); var y = new List<int>();
        for (int i = 0; i < labelled.Count; i++)
            if (labelled[i].Split == Splits.Eval && labelled[i].Label is int l) { s.Add(scores[i]); y.Add(l); }
        return Metrics.Auroc(s, y);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
