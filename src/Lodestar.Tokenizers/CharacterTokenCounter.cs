namespace Lodestar.Tokenizers;

/// <summary>The estimate used where nothing can count: one token per 4 UTF-16 characters, rounded up.</summary>
public sealed class CharacterTokenCounter : LocalTokenCounter
{
    /// <inheritdoc />
    public override string Name => "chars/4";

    /// <inheritdoc />
    public override int Count(string text) => (text.Length + 3) / 4;
}
