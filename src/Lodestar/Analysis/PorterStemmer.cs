namespace Lodestar.Analysis;

/// <summary>
/// The original Porter stemmer (M.F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980), in the
/// exact form of Snowball's <c>porter</c> definition, which Debian's <c>stemwords -l porter</c> runs.
/// </summary>
/// <remarks>
/// Regions follow Snowball: R1 starts after the first non-vowel that follows a vowel, R2 likewise inside R1; a
/// <c>y</c> at the start or after a vowel is a consonant (written <c>Y</c> while stemming). Each step takes the
/// longest matching suffix and applies only that one. The input must be lower case; it is stemmed in place.
/// </remarks>
public static class PorterStemmer
{
    private static readonly (string Suffix, string Replacement)[] s_step2 =
    [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"),
        ("entli", "ent"), ("eli", "e"), ("izer", "ize"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
        ("alli", "al"), ("alism", "al"), ("aliti", "al"), ("fulness", "ful"), ("ousli", "ous"),
        ("ousness", "ous"), ("iveness", "ive"), ("iviti", "ive"), ("biliti", "ble"),
    ];

    private static readonly (string Suffix, string Replacement)[] s_step3 =
    [
        ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ical", "ic"), ("ative", ""), ("ful", ""), ("ness", ""),
    ];

    private static readonly string[] s_step4 =
    [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou", "ism", "ate", "iti",
        "ous", "ive", "ize", "ion",
    ];

    /// <summary>Stems <paramref name="word"/> (lower case) and returns the stem.</summary>
    public static string Stem(string word)
    {
        char[] buffer = new char[word.Length + 1];
        word.CopyTo(buffer);
        int length = Stem(buffer, word.Length);
        return new string(buffer, 0, length);
    }

    /// <summary>Stems the first <paramref name="length"/> characters of <paramref name="w"/> in place.</summary>
    /// <returns>The length of the stem.</returns>
    /// <remarks><paramref name="w"/> needs room for one more character than <paramref name="length"/>.</remarks>
    public static int Stem(Span<char> w, int length)
    {
        bool yFound = MarkConsonantY(w[..length]);
        int p1 = RegionStart(w[..length], 0);
        int p2 = RegionStart(w[..length], p1);

        int k = length;
        k = Step1a(w, k);
        k = Step1b(w, k, p1);
        k = Step1c(w, k);
        k = Replace(w, k, s_step2, p1);
        k = Replace(w, k, s_step3, p1);
        k = Step4(w, k, p2);
        k = Step5a(w, k, p1, p2);
        k = Step5b(w, k, p2);

        if (yFound)
        {
            w[..k].Replace('Y', 'y');
        }

        return k;
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static bool MarkConsonantY(Span<char> w)
    {
        bool found = false;
        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] == 'y' && (i == 0 || IsVowel(w[i - 1])))
            {
                w[i] = 'Y';
                found = true;
            }
        }

        return found;
    }

    /// <summary>The position after the first non-vowel that follows a vowel, at or after <paramref name="from"/>.</summary>
    private static int RegionStart(ReadOnlySpan<char> w, int from)
    {
        int i = from;
        while (i < w.Length && !IsVowel(w[i]))
        {
            i++;
        }

        while (i < w.Length && IsVowel(w[i]))
        {
            i++;
        }

        return i < w.Length ? i + 1 : w.Length;
    }

    /// <summary>Snowball's <c>shortv</c>: the word ends non-vowel, vowel, non-vowel other than w, x or Y.</summary>
    private static bool EndsShortSyllable(ReadOnlySpan<char> w, int k) =>
        k >= 3 && !IsVowel(w[k - 1]) && w[k - 1] is not ('w' or 'x' or 'Y') && IsVowel(w[k - 2]) && !IsVowel(w[k - 3]);

    private static bool HasVowel(ReadOnlySpan<char> w, int end)
    {
        for (int i = 0; i < end; i++)
        {
            if (IsVowel(w[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsWith(ReadOnlySpan<char> w, int k, string suffix) =>
        k >= suffix.Length && w[(k - suffix.Length)..k].SequenceEqual(suffix);

    private static int Step1a(Span<char> w, int k)
    {
        if (EndsWith(w, k, "sses") || EndsWith(w, k, "ies"))
        {
            return k - 2;
        }

        return EndsWith(w, k, "ss") || !EndsWith(w, k, "s") ? k : k - 1;
    }

    private static int Step1b(Span<char> w, int k, int p1)
    {
        if (EndsWith(w, k, "eed"))
        {
            return k - 3 >= p1 ? k - 1 : k;
        }

        int stem = EndsWith(w, k, "ed") ? k - 2 : EndsWith(w, k, "ing") ? k - 3 : -1;
        if (stem < 0 || !HasVowel(w, stem))
        {
            return k;
        }

        k = stem;
        if (EndsWith(w, k, "at") || EndsWith(w, k, "bl") || EndsWith(w, k, "iz"))
        {
            w[k] = 'e';
            return k + 1;
        }

        if (k >= 2 && w[k - 1] == w[k - 2] && w[k - 1] is 'b' or 'd' or 'f' or 'g' or 'm' or 'n' or 'p' or 'r' or 't')
        {
            return k - 1;
        }

        if (k == p1 && EndsShortSyllable(w, k))
        {
            w[k] = 'e';
            return k + 1;
        }

        return k;
    }

    private static int Step1c(Span<char> w, int k)
    {
        if (k >= 1 && w[k - 1] is 'y' or 'Y' && HasVowel(w, k - 1))
        {
            w[k - 1] = 'i';
        }

        return k;
    }

    private static int Replace(Span<char> w, int k, (string Suffix, string Replacement)[] rules, int region)
    {
        int best = -1;
        for (int r = 0; r < rules.Length; r++)
        {
            if (EndsWith(w, k, rules[r].Suffix) && (best < 0 || rules[r].Suffix.Length > rules[best].Suffix.Length))
            {
                best = r;
            }
        }

        if (best < 0 || k - rules[best].Suffix.Length < region)
        {
            return k;
        }

        int start = k - rules[best].Suffix.Length;
        rules[best].Replacement.CopyTo(w[start..]);
        return start + rules[best].Replacement.Length;
    }

    private static int Step4(Span<char> w, int k, int p2)
    {
        string? best = null;
        foreach (string suffix in s_step4)
        {
            if (EndsWith(w, k, suffix) && (best is null || suffix.Length > best.Length))
            {
                best = suffix;
            }
        }

        if (best is null)
        {
            return k;
        }

        int start = k - best.Length;
        if (start < p2)
        {
            return k;
        }

        if (best == "ion")
        {
            return start >= 1 && w[start - 1] is 's' or 't' ? start : k;
        }

        return start;
    }

    private static int Step5a(Span<char> w, int k, int p1, int p2)
    {
        if (k == 0 || w[k - 1] != 'e')
        {
            return k;
        }

        int start = k - 1;
        return start >= p2 || (start >= p1 && !EndsShortSyllable(w, start)) ? start : k;
    }

    private static int Step5b(Span<char> w, int k, int p2) =>
        k >= 2 && w[k - 1] == 'l' && k - 1 >= p2 && w[k - 2] == 'l' ? k - 1 : k;
}
