using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.Inference;

/// <summary>Applies a <see cref="HookSpec"/> during one sequence's forward passes: at each hook point, edits first
/// (so reads see what later layers receive), then reads at the selected positions. Positions are resolved against the
/// prompt length; for generated tokens (positions past the prompt) edits selected by All, Last and From(start) keep
/// applying (steering during generation), mask and replace edits do not, and nothing is read.</summary>
public sealed class HookRunner
{
    private readonly HookSpec _spec;
    private readonly int _promptLength;
    private readonly HashSet<int> _readPositions;
    private readonly int[] _readOrder;
    private readonly Dictionary<string, List<(HookEdit Edit, HashSet<int> Positions, int[] Order)>> _edits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _reads = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenReads = new(StringComparer.Ordinal);
    private readonly int _d;

    public HookRunner(HookSpec spec, int promptLength, int hiddenSize, Func<string, bool> isKnownHook)
    {
        _spec = spec;
        _promptLength = promptLength;
        _d = hiddenSize;
        foreach (var name in spec.Read)
            if (!isKnownHook(name)) throw new ArgumentException($"Unknown hook '{name}' for this model.");
        _readOrder = spec.Read.Count > 0 ? spec.Positions.Resolve(promptLength) : [];
        _readPositions = [.. _readOrder];
        foreach (var name in spec.Read) _reads[name] = new float[_readOrder.Length * hiddenSize];
        foreach (var e in spec.Edits)
        {
            if (!isKnownHook(e.Hook)) throw new ArgumentException($"Unknown hook '{e.Hook}' for this model.");
            var order = e.Positions.Resolve(promptLength);
            switch (e)
            {
                case AddVectorEdit a when a.Vector.Length != hiddenSize:
                    throw new ArgumentException($"Steering vector for '{e.Hook}' has length {a.Vector.Length}, the model's hidden size is {hiddenSize}.");
                case ReplaceEdit r when r.Values.Rows != order.Length || r.Values.RowLength != hiddenSize:
                    throw new ArgumentException($"Replacement for '{e.Hook}' has shape [{string.Join(", ", r.Values.Shape)}], expected [{order.Length}, {hiddenSize}] for the selected positions.");
            }
            if (!_edits.TryGetValue(e.Hook, out var list)) _edits[e.Hook] = list = [];
            list.Add((e, [.. order], order));
        }
    }

    /// <summary>True when something reads or edits this hook point.</summary>
    public bool Wants(string hook) => _reads.ContainsKey(hook) || _edits.ContainsKey(hook);

    /// <summary>Edits then records rows [rows, d] that hold absolute positions start .. start+rows-1.</summary>
    public void Visit(string hook, Span<float> x, int rows, int start)
    {
        if (_edits.TryGetValue(hook, out var edits))
            foreach (var (edit, set, order) in edits)
                for (int r = 0; r < rows; r++)
                {
                    int p = start + r;
                    if (!Selected(edit, set, p)) continue;
                    Apply(edit, x.Slice(r * _d, _d), p, order);
                }
        if (_reads.TryGetValue(hook, out var buffer))
        {
            for (int r = 0; r < rows; r++)
            {
                int p = start + r;
                if (p >= _promptLength || !_readPositions.Contains(p)) continue;
                int slot = Array.BinarySearch(_readOrder, p);
                if (slot < 0) slot = Array.IndexOf(_readOrder, p);
                x.Slice(r * _d, _d).CopyTo(buffer.AsSpan(slot * _d, _d));
            }
            _seenReads.Add(hook);
        }
    }

    private bool Selected(HookEdit edit, HashSet<int> set, int p)
    {
        if (p < _promptLength) return set.Contains(p);
        return edit switch
        {
            ReplaceEdit => false,
            _ => edit.Positions.Kind switch
            {
                PositionKind.All or PositionKind.Last => true,
                PositionKind.FromIndex => edit.Positions.Start < 0 || p >= edit.Positions.Start,
                _ => false,
            },
        };
    }

    private void Apply(HookEdit edit, Span<float> row, int position, int[] order)
    {
        switch (edit)
        {
            case AddVectorEdit a:
                for (int i = 0; i < row.Length; i++) row[i] += a.Coefficient * a.Vector[i];
                break;
            case ScaleEdit s:
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, s.Factor, row);
                break;
            case GaussianNoiseEdit g:
                {
                    // One generator per (seed, position): identical noise whether the sequence is run whole,
                    // in a batch or token by token.
                    var rng = new Random(NoiseSeed(g.Seed, position));
                    for (int i = 0; i < row.Length; i += 2)
                    {
                        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                        double rad = Math.Sqrt(-2.0 * Math.Log(u1));
                        row[i] += (float)(g.Std * rad * Math.Cos(2 * Math.PI * u2));
                        if (i + 1 < row.Length) row[i + 1] += (float)(g.Std * rad * Math.Sin(2 * Math.PI * u2));
                    }
                    break;
                }
            case ReplaceEdit r:
                {
                    int slot = Array.IndexOf(order, position);
                    r.Values.ReadRow(slot).CopyTo(row);
                    break;
                }
            default:
                throw new NotSupportedException($"Hook edit {edit.GetType().Name} is not supported.");
        }
    }

    /// <summary>Recorded activations: hook -> [selected positions, d], plus the positions (in order).</summary>
    public (IReadOnlyDictionary<string, Tensor> Activations, int[] Positions) Results()
    {
        var dict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, buf) in _reads)
        {
            if (!_seenReads.Contains(name)) throw new InvalidOperationException($"Hook '{name}' was requested but never reached.");
            dict[name] = new Tensor([_readOrder.Length, _d], buf);
        }
        return (dict, _readOrder);
    }

    /// <summary>The seed of the Gaussian noise at one position: the same in every process (HashCode.Combine is
    /// randomised per process, which made fuzzing irreproducible across runs).</summary>
    internal static int NoiseSeed(int seed, int position)
    {
        unchecked
        {
            ulong h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (uint)position ^ 0x5eedUL << 32;
            h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 27; h *= 0x94D049BB133111EBUL;
            h ^= h >> 31;
            return (int)h;
        }
    }
}
