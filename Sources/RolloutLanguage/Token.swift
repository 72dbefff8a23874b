/// One piece of a word or string: literal text, or a `${NAME}` / `${NAME:-default}` reference.
public enum WordPart: Sendable, Hashable {
    /// Literal text.
    case literal(String)
    /// A variable, with an optional default for when it is unset.
    case variable(name: String, fallback: String?)
}

/// A word as written: its parts, and whether it was quoted.
public struct Word: Sendable, Hashable, CustomStringConvertible {
    /// Most words are one piece of literal text, kept without an array (a script has hundreds of
    /// thousands of them); the rest keep their parts.
    private enum Storage: Sendable, Hashable {
        case text(String)
        case parts([WordPart])

        init(_ parts: [WordPart]) {
            if parts.isEmpty {
                self = .text("")
            } else if parts.count == 1, case .literal(let text) = parts[0] {
                self = .text(text)
            } else {
                self = .parts(parts)
            }
        }
    }

    private var storage: Storage
    /// The parts, in order.
    public var parts: [WordPart] {
        get {
            switch storage {
            case .text(let text): return text.isEmpty ? [] : [.literal(text)]
            case .parts(let parts): return parts
            }
        }
        set { storage = Storage(newValue) }
    }
    /// True for `"..."`.
    public var quoted: Bool
    /// Where it starts.
    public var location: SourceLocation
    private var storedLength: Int32
    /// Its length in the source, in characters.
    public var length: Int {
        get { Int(storedLength) }
        set { storedLength = Int32(clamping: newValue) }
    }

    /// A word of plain text.
    public init(_ text: String, quoted: Bool = false, location: SourceLocation, length: Int? = nil) {
        self.storage = .text(text)
        self.quoted = quoted
        self.location = location
        self.storedLength = Int32(clamping: length ?? text.count)
    }

    /// A word of parts.
    public init(parts: [WordPart], quoted: Bool, location: SourceLocation, length: Int) {
        self.storage = Storage(parts)
        self.quoted = quoted
        self.location = location
        self.storedLength = Int32(clamping: length)
    }

    /// The text when it holds no variable.
    public var literal: String? {
        switch storage {
        case .text(let text):
            return text
        case .parts(let parts):
            var out = ""
            for part in parts {
                guard case .literal(let text) = part else { return nil }
                out += text
            }
            return out
        }
    }

    /// True when the word is one piece of literal text (or empty): it references no variable.
    var isPlainText: Bool {
        if case .text = storage { return true }
        return false
    }

    /// The names of the variables it references.
    public var variables: [String] {
        guard case .parts(let parts) = storage else { return [] }
        return parts.compactMap { if case .variable(let name, _) = $0 { return name } else { return nil } }
    }

    /// The word as it would be written back (quoted when needed).
    public var description: String { WordPrinter.print(self) }

    public static func == (lhs: Word, rhs: Word) -> Bool { lhs.storage == rhs.storage && lhs.quoted == rhs.quoted }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage)
        hasher.combine(quoted)
    }
}

/// What the lexer makes.
public enum TokenKind: Sendable, Equatable {
    /// A bare word (may hold `${...}`).
    case word(Word)
    /// A quoted string.
    case string(Word)
    /// `==`, `!=`, `<=`, `>=`, `<`, `>`, `=`.
    case op(String)
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
}

/// A token and where it starts.
public struct Token: Sendable, Equatable {
    /// What it is.
    public var kind: TokenKind
    /// Where it starts.
    public var location: SourceLocation
    /// Its length in characters.
    public var length: Int
}

/// A token as the parser reads it: its kind, its bytes in the source and where it starts, and no
/// text of its own, so it copies as plain bytes. `Lexer.token(for:)` makes the full token.
struct Lexeme {
    /// What it is.
    enum Kind: UInt8 { case word, string, op, semicolon, newline, openBrace, closeBrace, end }

    /// What it is.
    var kind: Kind
    /// For a word: no escape and no `${`, so its bytes are its text. For a string: the same for
    /// what is between its quotes, with no line end. True for every other kind.
    var plain: Bool
    private var storedLength: Int32
    /// Its first byte.
    var start: Int32
    /// The byte after it.
    var end: Int32
    /// Where it starts.
    var location: SourceLocation

    /// Its length in characters.
    var length: Int { Int(storedLength) }

    init(_ kind: Kind, plain: Bool, from start: Int, to end: Int, at location: SourceLocation, length: Int) {
        self.kind = kind
        self.plain = plain
        self.start = Int32(clamping: start)
        self.end = Int32(clamping: end)
        self.location = location
        self.storedLength = Int32(clamping: length)
    }
}
