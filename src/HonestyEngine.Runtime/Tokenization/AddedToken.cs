namespace HonestyEngine.Runtime.Tokenization;

/// <summary>An entry of tokenizer.json's added_tokens, with the HF flags that control how it is matched.</summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool Normalized, bool SingleWord);
