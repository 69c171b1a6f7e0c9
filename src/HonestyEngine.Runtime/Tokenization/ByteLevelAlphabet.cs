namespace HonestyEngine.Runtime.Tokenization;

/// <summary>GPT-2's reversible byte-to-character map (bytes_to_unicode): printable bytes map to themselves,
/// the others to U+0100 and up, so every byte sequence becomes a string of vocabulary characters.</summary>
internal static class ByteLevelAlphabet
{
    public static readonly char[] ByteToChar = BuildByteToChar();
    /// <summary>Inverse map, indexed by char; -1 where the char is not part of the alphabet.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)(256 + extra++);
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }

    /// <summary>UTF-8 bytes of <paramref name="text"/> written as alphabet characters.</summary>
    public static string Encode(ReadOnlySpan<char> text)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(text);
        Span<byte> bytes = n <= 512 ? stackalloc byte[n] : new byte[n];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return string.Create(n, bytes.ToArray(), static (dst, src) =>
        {
            for (int i = 0; i < src.Length; i++) dst[i] = ByteToChar[src[i]];
        });
    }

    /// <summary>Appends the bytes a token stands for; false (nothing appended) if any char is outside the alphabet.</summary>
    public static bool TryAppendBytes(string token, List<byte> output)
    {
        foreach (char c in token)
            if (c >= CharToByte.Length || CharToByte[c] < 0) return false;
        foreach (char c in token) output.Add((byte)CharToByte[c]);
        return true;
    }
}
