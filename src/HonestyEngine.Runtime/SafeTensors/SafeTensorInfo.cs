namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>One tensor entry of a validated safetensors header.</summary>
/// <param name="Name">Tensor name as written in the header.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar).</param>
/// <param name="DataOffset">Offset of the first byte relative to the start of the data section.</param>
/// <param name="ByteLength">Number of bytes (= element count * element size, checked on load).</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long DataOffset, long ByteLength)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => ByteLength / DType.ElementSize();

    /// <summary>The shape as int[] (throws if a dimension exceeds int range).</summary>
    public int[] ShapeInt32()
    {
        var s = new int[Shape.Length];
        for (int i = 0; i < s.Length; i++)
            s[i] = Shape[i] <= int.MaxValue ? (int)Shape[i] : throw new OverflowException($"Tensor '{Name}' dimension {i} ({Shape[i]}) exceeds int range.");
        return s;
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
