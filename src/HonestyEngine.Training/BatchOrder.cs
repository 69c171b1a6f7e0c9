using HonestyEngine.Training.Numerics;

namespace HonestyEngine.Training;

/// <summary>Indices 0..count-1 in a seeded order, reshuffled each epoch (each time the order is used up). Shared by
/// the single-model trainer (examples) and the shared-adapter trainer (sources and each source's examples).</summary>
internal sealed class BatchOrder(int count, int seed)
{
    private readonly SeededRandom _rng = new(seed);
    private readonly int[] _perm = Enumerable.Range(0, count).ToArray();
    private int _next = count;

    public int Next()
    {
        if (_next == _perm.Length) { _rng.Shuffle(_perm); _next = 0; }
        return _perm[_next++];
    }
}
