namespace Lodestar.Index;

/// <summary>A term's entry in the dictionary: document frequency and where its postings lie.</summary>
/// <param name="Df">Documents containing the term.</param>
/// <param name="Offset">Byte offset of its postings in <c>postings.bin</c>.</param>
/// <param name="Length">Byte length of its postings.</param>
public readonly record struct TermInfo(int Df, long Offset, int Length);
