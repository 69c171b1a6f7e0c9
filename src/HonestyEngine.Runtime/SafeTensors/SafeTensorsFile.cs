using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Runtime.SafeTensors;

/// <summary>A memory-mapped, read-only safetensors file whose header has been validated strictly on open:
/// header length inside the file, valid JSON, supported dtypes, byte counts matching shapes, offsets inside
/// the data section and not overlapping. Any violation is a <see cref="SafeTensorsFormatException"/> naming
/// the file and tensor. Tensor bytes are read straight from the mapping (no copy until converted).</summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;
    private readonly long _dataStart;
    private readonly long _dataLength;

    /// <summary>Absolute path of the file.</summary>
    public string Path { get; }
    /// <summary>Tensor entries by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }
    /// <summary>The optional "__metadata__" string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafeTensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart, long dataLength,
        Dictionary<string, SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path; _map = map; _view = view; _dataStart = dataStart; _dataLength = dataLength;
        Tensors = tensors; Metadata = metadata;
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
    }

    /// <summary>Opens and validates a safetensors file.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is malformed (message names file and tensor).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SafeTensorsFile Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: safetensors file not found.", path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        try
        {
            long fileLength = stream.Length;
            if (fileLength < 8)
                throw new SafeTensorsFormatException(path, null, $"file is {fileLength} bytes, too short for the 8-byte header length.");
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            int headerLength = SafeTensorsHeader.CheckHeaderLength(path, BinaryPrimitives.ReadUInt64LittleEndian(prefix), fileLength);
            var header = new byte[headerLength]; // bounded by the real file size, checked above
            stream.ReadExactly(header);
            long dataStart = 8 + headerLength;
            long dataLength = fileLength - dataStart;
            var (tensors, metadata) = SafeTensorsHeader.Parse(path, header, dataLength);
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                return new SafeTensorsFile(path, map, view, dataStart, dataLength, tensors, metadata);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True when the file has a tensor of this name.</summary>
    public bool Contains(string name) => Tensors.ContainsKey(name);

    /// <summary>The entry of a tensor, or a <see cref="SafeTensorsFormatException"/> naming file and tensor.</summary>
    public SafeTensorInfo Info(string name) =>
        Tensors.TryGetValue(name, out var info) ? info : throw new SafeTensorsFormatException(Path, name, "no such tensor in this file.");

    /// <summary>The raw little-endian bytes of a tensor, straight from the mapping. Valid until Dispose.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var info = Info(name);
        if (info.ByteLength > int.MaxValue)
            throw new SafeTensorsFormatException(Path, name, $"holds {info.ByteLength} bytes, more than one span can address; read it in slices with ReadFloat32(name, startElement, destination).");
        return new ReadOnlySpan<byte>(Pointer(info), (int)info.ByteLength);
    }

    /// <summary>Converts elements [startElement, startElement + destination.Length) of a tensor to float32.</summary>
    public void ReadFloat32(string name, long startElement, Span<float> destination)
    {
        var info = Info(name);
        if (startElement < 0 || startElement + destination.Length > info.ElementCount)
            throw new ArgumentOutOfRangeException(nameof(startElement), $"{Path}: tensor '{name}' has {info.ElementCount} elements; asked for [{startElement}, {startElement + destination.Length}).");
        int size = info.DType.ElementSize();
        var bytes = new ReadOnlySpan<byte>(Pointer(info) + startElement * size, destination.Length * size);
        DTypeConversion.ToFloat32(bytes, info.DType, destination);
    }

    /// <summary>The whole tensor converted to a new float32 array.</summary>
    public float[] ReadFloat32(string name)
    {
        var info = Info(name);
        if (info.ElementCount > Array.MaxLength)
            throw new SafeTensorsFormatException(Path, name, $"has {info.ElementCount} elements, too many for one array; read it in slices.");
        var result = new float[info.ElementCount];
        ReadFloat32(name, 0, result);
        return result;
    }

    /// <summary>The whole tensor as an engine <see cref="Tensor"/> (float32).</summary>
    public Tensor ReadTensor(string name) => new(Info(name).ShapeInt32(), ReadFloat32(name));

    /// <summary>An integer tensor (I64 or I32) as long[], exactly (token ids).</summary>
    public long[] ReadInt64(string name)
    {
        var info = Info(name);
        var bytes = GetBytes(name);
        return info.DType switch
        {
            SafeTensorDType.I64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            SafeTensorDType.I32 => Array.ConvertAll(MemoryMarshal.Cast<byte, int>(bytes).ToArray(), v => (long)v),
            _ => throw new SafeTensorsFormatException(Path, name, $"is {info.DType.HeaderName()}, expected an integer tensor (I64 or I32)."),
        };
    }

    private byte* Pointer(SafeTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_base == null, this);
        return _base + _dataStart + info.DataOffset;
    }

    public void Dispose()
    {
        if (_base == null) return;
        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
