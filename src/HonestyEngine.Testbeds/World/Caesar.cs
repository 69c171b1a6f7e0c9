namespace HonestyEngine.Testbeds.World;

/// <summary>Caesar cipher over a-z / A-Z; everything else passes through (Wang et al.'s side constraint uses shift 19).</summary>
public static class Caesar
{
    public static string Encode(string text, int shift)
    {
        shift = ((shift % 26) + 26) % 26;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (c is >= 'a' and <= 'z') chars[i] = (char)('a' + (c - 'a' + shift) % 26);
            else if (c is >= 'A' and <= 'Z') chars[i] = (char)('A' + (c - 'A' + shift) % 26);
        }
        return new string(chars);
    }

    public static string Decode(string text, int shift) => Encode(text, -shift);
}
