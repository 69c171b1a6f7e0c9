using HonestyEngine.Abstractions;
using Newtonsoft.Json;

namespace LegacyJsonPlugin;

/// <summary>Same idea as HonestProbes' JsonLengthBaseline, compiled against Newtonsoft.Json 12.</summary>
[Method("LegacyJsonLength", Family = "black-box/baseline", Anchor = "test")]
public sealed class LegacyJsonLength : IDetector
{
    public static string NewtonsoftVersion => typeof(JsonConvert).Assembly.GetName().Version!.ToString();

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        context.Log($"Newtonsoft.Json {NewtonsoftVersion}");
        return transcripts.Select(t => (double)JsonConvert.SerializeObject(new[] { t.Response, t.Id }).Length).ToList();
    }
}
