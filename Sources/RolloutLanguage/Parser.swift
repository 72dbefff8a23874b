/// Reads tokens into statements, collecting every problem instead of stopping at the first.
public struct Parser {
    /// Every statement keyword, for completion and did-you-mean.
    public static let keywords = Keyword.allCases.map(\.rawValue) + ["else"]

    /// Tokens are read one at a time as the parser moves on, so a long script is never held as tokens.
    private var lexer: Lexer
    private var current: Lexeme
    private var spareArguments: [Lexeme] = []
    private var commentsSeen = 0
    private var commentsByLine: [Int: String] = [:]
    private(set) var diagnostics: [Diagnostic] = []

    /// Parses a whole source file.
    public static func parse(_ source: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        var statements: [Statement] = []
        let diagnostics = parse(source) { statements.append($0) }
        return (Script(statements: statements), diagnostics)
    }

    /// Parses a source file a statement at a time: each top-level statement goes to `body` once it is
    /// complete (with its else branches), so a caller that only looks at each one never holds them all.
    /// Returns every problem found.
    public static func parse(_ source: SourceFile, each body: (Statement) -> Void) -> [Diagnostic] {
        parse(source, part: 0..<source.bytes.count, each: body).diagnostics
    }

    /// How the reading of part of a file ended.
    struct PartEnd {
        /// Every problem found.
        var diagnostics: [Diagnostic]
        /// True when it ended at the part's end, between two top-level statements: the rest of the
        /// file can be read on its own. False when it read on to the file's end (a string or
        /// continued line ran over), or ended inside an else block.
        var endedCleanly: Bool
        /// True when it has a top-level `else` with no statement before it in the part: in the whole
        /// file, that else may belong to a statement before the part.
        var hasElseWithoutStatement: Bool
    }

    /// Parses the part of a file from `part`'s start, a line start, to its end, a line start or the
    /// file's end: see `Lexer.init(_:from:stop:)`.
    static func parse(_ source: SourceFile, part: Range<Int>, each body: (Statement) -> Void) -> PartEnd {
        var parser = Parser(Lexer(source, from: part.lowerBound, stop: part.upperBound < source.bytes.count ? part.upperBound : nil))
        parser.statementList(inBlock: false, each: body)
        return PartEnd(
            diagnostics: parser.lexer.diagnostics + parser.diagnostics,
            endedCleanly: parser.lexer.endedAtStop && !parser.endedInBlock,
            hasElseWithoutStatement: parser.sawElseWithoutStatement)
    }

    /// True when the text ended inside an else block.
    private var endedInBlock = false
    /// True after a top-level `else` with no statement before it.
    private var sawElseWithoutStatement = false

    private init(_ lexer: Lexer) {
        self.lexer = lexer
        current = self.lexer.nextLexeme()
    }

    private mutating func advance() {
        if current.kind != .end { current = lexer.nextLexeme() }
    }

    /// True when the current token is the bare word `else`.
    private var atElse: Bool {
        lexer.text.isExactly(current, "else")
    }

    /// Statements up to the end (or the `}` of a block); each goes to `body` once the next one shows
    /// that no more `else` follows it.
    private mutating func statementList(inBlock: Bool, each body: (Statement) -> Void) {
        var pending: Statement?
        defer { if let pending { body(pending) } }
        while true {
            switch current.kind {
            case .end:
                if inBlock {
                    endedInBlock = true
                    diagnostics.append(Diagnostic("missing '}' to close the else block", at: current.location))
                }
                return
            case .newline, .semicolon:
                advance()
            case .closeBrace:
                if inBlock { return }
                diagnostics.append(Diagnostic("'}' without an else block to close", at: current.location))
                advance()
            case .word where atElse:
                let elseToken = current
                advance()
                guard let branch = elseBranch(after: elseToken) else { continue }
                if var statement = pending {
                    statement.elseBranch = statement.elseBranch.map { $0.appending(branch) } ?? branch
                    pending = statement
                } else {
                    if !inBlock { sawElseWithoutStatement = true }
                    diagnostics.append(
                        Diagnostic(
                            "'else' with no statement before it", at: elseToken.location, length: 4,
                            note: "else runs only when the statement before it fails"))
                }
            default:
                if let statement = statement() {
                    if let pending { body(pending) }
                    pending = statement
                }
            }
        }
    }

    private mutating func elseBranch(after elseToken: Lexeme) -> ElseBranch? {
        if current.kind == .openBrace {
            advance()
            var body: [Statement] = []
            statementList(inBlock: true) { body.append($0) }
            if current.kind == .closeBrace { advance() }
            return ElseBranch(body: body, braced: true)
        }
        switch current.kind {
        case .newline, .semicolon, .end, .closeBrace:
            diagnostics.append(Diagnostic("'else' needs a statement after it", at: elseToken.location, length: 4, note: "e.g. else rollback 1"))
            return nil
        case .word where atElse:
            diagnostics.append(Diagnostic("'else' cannot follow 'else' on the same line", at: current.location, length: 4))
            return nil
        default:
            guard let statement = statement() else { return nil }
            return ElseBranch(body: [statement], braced: false)
        }
    }

    /// One statement: the keyword and its arguments up to `;`, a newline, `}` or the end.
    private mutating func statement() -> Statement? {
        let first = current
        // One buffer serves every statement's arguments: it is handed to the reader and back.
        var arguments: [Lexeme] = []
        swap(&arguments, &spareArguments)
        advance()
        while true {
            switch current.kind {
            case .newline, .semicolon, .end, .closeBrace: break
            case .openBrace:
                diagnostics.append(Diagnostic("'{' is only for else blocks", at: current.location))
                advance()
                continue
            default:
                arguments.append(current)
                advance()
                continue
            }
            break
        }
        guard let keyword = Keyword(first, in: lexer.text) else {
            if let text = lexer.text.literal(of: first) {
                let note = Suggest.closestKeyword(text).map { "did you mean '\($0)'?" }
                diagnostics.append(Diagnostic("unknown statement '\(text)'", at: first.location, length: first.length, note: note))
            } else {
                diagnostics.append(Diagnostic("expected a statement", at: first.location, length: first.length, note: "statements start with a keyword such as upgrade or wait"))
            }
            return nil
        }
        // `consume`: the reader takes its tokens off the front, and must not copy a shared array to do so.
        var reader = ArgumentReader(keyword: keyword, keywordToken: first, tokens: consume arguments, text: lexer.text)
        let kind = reader.read()
        swap(&spareArguments, &reader.tokens.storage)
        spareArguments.removeAll(keepingCapacity: true)
        diagnostics += reader.diagnostics
        guard let kind else { return nil }
        return Statement(kind: kind, location: first.location, narration: narration(above: first.location.line))
    }

    private mutating func narration(above line: Int) -> [String] {
        for comment in lexer.comments[commentsSeen...] where comment.fullLine { commentsByLine[comment.line] = comment.text }
        commentsSeen = lexer.comments.count
        guard !commentsByLine.isEmpty else { return [] }
        var lines: [String] = []
        var number = line - 1
        while let text = commentsByLine[number] {
            lines.insert(text, at: 0)
            number -= 1
        }
        return lines
    }
}

/// Edit distance, for did-you-mean notes.
public enum Suggest {
    /// The statement keyword closest to a word, if one is close.
    public static func closestKeyword(_ word: String) -> String? { closest(to: word, in: Parser.keywords) }

    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let (best, score) = scored, score <= max(1, word.count / 3) else { return nil }
        return best
    }

    /// Optimal string alignment distance: edits and swaps of neighbours each cost 1.
    static func distance(_ a: String, _ b: String) -> Int {
        let (x, y) = (Array(a), Array(b))
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}
