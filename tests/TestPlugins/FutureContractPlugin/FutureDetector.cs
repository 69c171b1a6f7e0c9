using HonestyEngine.Abstractions;

namespace FutureContractPlugin;

[Method("FutureDetector", Family = "test/contract")]
public sealed class FutureDetector : IDetector
{
    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts) =>
        transcripts.Select(t => (double)t.Response.Length).ToList();
}
