using System.Buffers.Binary;
using System.Text;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.SafeTensors;

public class SafeTensorsBadInputTests
{
    /// <summary>Writes an arbitrary header (and data bytes) with a chosen length prefix.</summary>
    private static string Raw(TempDir tmp, string header, int dataBytes, ulong? lengthOverride = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengthOverride ?? (ulong)h.Length);
        h.CopyTo(bytes, 8);
        var path = tmp.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SafeTensorsFormatException Bad(string path)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path).Dispose());
        Assert.Contains("bad.safetensors", e.Message);
        return e;
    }

    [Fact]
    public void HeaderLengthPastEndOfFile()
    {
        using var tmp = new TempDir();
        var e = Bad(Raw(tmp, "{}", 0, lengthOverride: 1UL << 40));
        Assert.Contains("past the end", e.Message);
        e = Bad(Raw(tmp, "{}", 0, lengthOverride: ulong.MaxValue));
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void TooShortFile()
    {
        using var tmp = new TempDir();
        var path = tmp.File("bad.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("too short", Bad(path).Message);
        File.WriteAllBytes(path, []);
        Bad(path);
    }

    [Fact]
    public void NotJson()
    {
        using var tmp = new TempDir();
        Assert.Contains("JSON", Bad(Raw(tmp, "{\"a\": [1,", 0)).Message);
        Assert.Contains("JSON object", Bad(Raw(tmp, "[1, 2]", 0)).Message);
        var e = Bad(Raw(tmp, "{\"a\": 5}", 0));
        Assert.Equal("a", e.TensorName);
    }

    [Fact]
    public void OffsetsOutOfRange()
    {
        using var tmp = new TempDir();
        var e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8));
        Assert.Equal("w", e.TensorName);
        Assert.Contains("past the end", e.Message);
        e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", 8));
        Assert.Contains("begin <= end", e.Message);
        e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", 8));
        Assert.Equal("w", e.TensorName);
    }

    [Fact]
    public void OverlappingOffsets()
    {
        using var tmp = new TempDir();
        var e = Bad(Raw(tmp, """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12));
        Assert.Contains("overlap", e.Message);
        Assert.Equal("b", e.TensorName);
    }

    [Fact]
    public void UnknownDType()
    {
        using var tmp = new TempDir();
        var e = Bad(Raw(tmp, """{"w":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,8]}}""", 8));
        Assert.Contains("Q4_K", e.Message);
        Assert.Contains("F32", e.Message);
    }

    [Fact]
    public void ByteCountNotMatchingShape()
    {
        using var tmp = new TempDir();
        var e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8));
        Assert.Contains("needs 12", e.Message);
        // A shape whose product overflows must not wrap around to a plausible size.
        e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}""", 0));
        Assert.Equal("w", e.TensorName);
        e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}""", 0));
        Assert.Contains("non-negative", e.Message);
        e = Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}}""", 0));
        Assert.Equal("w", e.TensorName);
    }

    [Fact]
    public void MissingFields()
    {
        using var tmp = new TempDir();
        Assert.Contains("dtype", Bad(Raw(tmp, """{"w":{"shape":[1],"data_offsets":[0,4]}}""", 4)).Message);
        Assert.Contains("shape", Bad(Raw(tmp, """{"w":{"dtype":"F32","data_offsets":[0,4]}}""", 4)).Message);
        Assert.Contains("data_offsets", Bad(Raw(tmp, """{"w":{"dtype":"F32","shape":[1]}}""", 4)).Message);
        Assert.Contains("__metadata__", Bad(Raw(tmp, """{"__metadata__":{"a":1}}""", 0)).Message);
    }

    [Fact]
    public void TruncatedFixtureFileIsReported()
    {
        using var tmp = new TempDir();
        var src = File.ReadAllBytes(Path.Combine(Fixtures.Model("llama"), "model.safetensors"));
        var path = tmp.File("bad.safetensors");
        File.WriteAllBytes(path, src.AsSpan(0, src.Length - 100).ToArray());
        Assert.Contains("past the end", Bad(path).Message);
    }

    [Fact]
    public void MissingShardIsNamed()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama-sharded")))
            File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
        File.Delete(tmp.File("model-00004-of-00010.safetensors"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(tmp.Path));
        Assert.Contains("model-00004-of-00010.safetensors", e.Message);
        Assert.Contains("model.safetensors.index.json", e.Message);
    }

    [Fact]
    public void IndexListingTensorAbsentFromShard()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama-sharded")))
            File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
        var index = tmp.File("model.safetensors.index.json");
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"lm_head.weight\"", "\"lm_head.weightX\""));
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(tmp.Path));
        Assert.Contains("lm_head.weight", e.Message);
    }

    [Fact]
    public void IndexWithPathTraversalIsRejected()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("model.safetensors.index.json"), """{"weight_map":{"w":"../x.safetensors"}}""");
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsCheckpoint.Open(tmp.Path));
        Assert.Contains("plain file name", e.Message);
    }
}
