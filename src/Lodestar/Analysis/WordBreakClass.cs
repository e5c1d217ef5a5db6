namespace Lodestar.Analysis;

/// <summary>The Word_Break property values of UAX #29 (Unicode 15.0), in the order of the generated table.</summary>
internal enum WordBreakClass : byte
{
    /// <summary>Any other character.</summary>
    Other,

    /// <summary>Carriage return.</summary>
    CR,

    /// <summary>Line feed.</summary>
    LF,

    /// <summary>Other line separators.</summary>
    Newline,

    /// <summary>Combining marks and other extenders.</summary>
    Extend,

    /// <summary>Zero-width joiner.</summary>
    ZWJ,

    /// <summary>Regional indicator symbols (flags).</summary>
    RegionalIndicator,

    /// <summary>Format characters.</summary>
    Format,

    /// <summary>Katakana.</summary>
    Katakana,

    /// <summary>Hebrew letters.</summary>
    HebrewLetter,

    /// <summary>Alphabetic letters.</summary>
    ALetter,

    /// <summary>Apostrophe.</summary>
    SingleQuote,

    /// <summary>Quotation mark.</summary>
    DoubleQuote,

    /// <summary>Full stop and the like, between letters or numbers.</summary>
    MidNumLet,

    /// <summary>Colon and the like, between letters.</summary>
    MidLetter,

    /// <summary>Comma and the like, between numbers.</summary>
    MidNum,

    /// <summary>Digits.</summary>
    Numeric,

    /// <summary>Connector punctuation such as the underscore.</summary>
    ExtendNumLet,

    /// <summary>White space that segments words.</summary>
    WSegSpace,
}
