namespace Lodestar.Rerank.Listwise;

/// <summary>What <see cref="PermutationParser"/> had to repair in one answer; every field is a count.</summary>
/// <param name="Thinking">1 when a <c>&lt;think&gt;</c> block was set aside (not a fault, but counted).</param>
/// <param name="ExtraText">1 when text other than ids and separators surrounded the ranking.</param>
/// <param name="BareNumbers">1 when no <c>[n]</c> id was found and bare numbers were read instead.</param>
/// <param name="Duplicates">Ids listed again after their first mention (dropped).</param>
/// <param name="OutOfRange">Ids outside 1..n (dropped).</param>
/// <param name="Missing">Candidates the answer left out (appended in their input order).</param>
/// <param name="Unparseable">1 when no id at all was found: the window keeps its input order.</param>
public readonly record struct PermutationRepairs(int Thinking, int ExtraText, int BareNumbers, int Duplicates, int OutOfRange, int Missing, int Unparseable)
{
    /// <summary>Whether the answer was a clean permutation (thinking aside).</summary>
    public bool IsClean => ExtraText + BareNumbers + Duplicates + OutOfRange + Missing + Unparseable == 0;

    /// <summary>Field-wise sum.</summary>
    public static PermutationRepairs operator +(PermutationRepairs a, PermutationRepairs b) => new(
        a.Thinking + b.Thinking, a.ExtraText + b.ExtraText, a.BareNumbers + b.BareNumbers, a.Duplicates + b.Duplicates,
        a.OutOfRange + b.OutOfRange, a.Missing + b.Missing, a.Unparseable + b.Unparseable);

    /// <summary>The non-zero counts as <c>kind n</c>, comma-separated, or <c>none</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string name, int n)
        {
            if (n > 0)
            {
                parts.Add($"{name} {n}");
            }
        }

        Add("thinking", Thinking);
        Add("extra-text", ExtraText);
        Add("bare-numbers", BareNumbers);
        Add("duplicates", Duplicates);
        Add("out-of-range", OutOfRange);
        Add("missing", Missing);
        Add("unparseable", Unparseable);
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
