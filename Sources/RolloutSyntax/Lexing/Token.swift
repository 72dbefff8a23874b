/// A token: what it is, and the bytes of the source it covers. Its line and column are worked out
/// from the source only when something needs them (`SourceFile.location(of:)`).
public struct Token: Sendable, Equatable {
    /// What it is.
    public var kind: TokenKind
    /// Its bytes in the source.
    public var range: Range<Int>
}

/// What the lexer makes.
public enum TokenKind: Sendable, Equatable {
    /// A bare word (may hold `${...}`).
    case word(Word)
    /// A quoted string.
    case string(Word)
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`.
    case comparison(Comparison)
    /// `=`.
    case equals
    /// `;`.
    case semicolon
    /// A line end.
    case newline
    /// `{`.
    case openBrace
    /// `}`.
    case closeBrace
    /// The end of the text.
    case end

    /// The word of a bare word or a string.
    public var word: Word? {
        switch self {
        case .word(let word), .string(let word): return word
        default: return nil
        }
    }
}
