using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>Writes safetensors files that the Hugging Face <c>safetensors</c> library reads: an 8-byte header
/// length, a JSON header padded with spaces to 8 bytes, then the tensors back to back. The file is written to a
/// temporary name in the same folder and renamed into place, so a reader never sees a half-written file.</summary>
public static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (in the given order) with optional string metadata.</summary>
    public static void Write(string path, IEnumerable<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors is little-endian.");
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list)
            if (!seen.Add(t.Name)) throw new ArgumentException($"{path}: tensor '{t.Name}' given twice.");

        var header = BuildHeader(list, metadata);
        path = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var temp = TempPathFor(path);
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (var t in list) fs.Write(t.Data.Span);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>A temporary name next to <paramref name="path"/> (same folder, so the final move is a rename):
    /// <c>.{name}.{pid}.{guid}.tmp</c>. The engine's run start removes such files and folders whose process is gone
    /// (HonestyEngine.Engine.IO.AtomicFile uses the same pattern), so a killed writer leaves nothing behind for long.</summary>
    public static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Convenience form: (name, dtype, shape, data) tuples; see <see cref="SafeTensorsEntry.From"/> for the
    /// accepted array types.</summary>
    public static void Write(string path, IEnumerable<(string Name, string DType, int[] Shape, Array Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.Select(t => SafeTensorsEntry.From(t.Name, t.DType, t.Shape, t.Data)), metadata);

    private static byte[] BuildHeader(List<SafeTensorsEntry> list, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in list)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType.HeaderName());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }
            w.WriteEndObject();
        }
        int pad = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }
}
