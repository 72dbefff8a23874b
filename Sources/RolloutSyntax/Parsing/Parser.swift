import AutopilotModels

/// Reads tokens into statements, collecting every problem instead of stopping at the first.
public struct Parser {
    private let source: SourceFile
    private let tokens: [Token]
    private var position = 0
    private let comments: [Int: String]
    /// A Markdown runbook's block narrations not yet given to a statement.
    private var blockNarration: ArraySlice<(line: Int, lines: [String])>
    private var diagnostics: [Diagnostic]

    /// Parses a source file: its statements, and every problem found reading them.
    public static func parse(_ source: SourceFile) -> (script: Script, diagnostics: [Diagnostic]) {
        var parser = Parser(source)
        let statements = parser.statementList(inBlock: false)
        return (Script(statements: statements), parser.diagnostics)
    }

    private init(_ source: SourceFile) {
        var lexer = Lexer(source)
        self.source = source
        tokens = lexer.tokenize()
        var fullLines: [Int: String] = [:]
        for comment in lexer.comments where comment.fullLine && !comment.isShebang { fullLines[comment.line] = comment.text }
        comments = fullLines
        blockNarration = source.narration[...]
        diagnostics = source.problems + lexer.diagnostics
    }

    private var current: Token { tokens[position] }

    private mutating func advance() {
        if current.kind != .end { position += 1 }
    }

    /// True when the current token is the bare word `else`.
    private var atElse: Bool {
        if case .word(let word) = current.kind { return word.literal == Keyword.else.rawValue }
        return false
    }

    /// Statements up to the end, or the `}` of a block.
    private mutating func statementList(inBlock: Bool) -> [Statement] {
        var statements: [Statement] = []
        while true {
            switch current.kind {
            case .end:
                if inBlock { diagnostics.append(Diagnostic("missing '}' to close the block", at: current.range)) }
                return statements
            case .newline, .semicolon:
                advance()
            case .closeBrace:
                if inBlock { return statements }
                diagnostics.append(Diagnostic("'}' without a block to close", at: current.range))
                advance()
            case .word where atElse:
                let elseToken = current
                advance()
                guard let branch = elseBranch(after: elseToken) else { continue }
                if let last = statements.indices.last {
                    statements[last].elseBranch = statements[last].elseBranch.map { $0.appending(branch) } ?? branch
                } else {
                    diagnostics.append(
                        Diagnostic(
                            "'else' with no statement before it", at: elseToken.range,
                            note: "else runs only when the statement before it fails"))
                }
            default:
                if let statement = statement() { statements.append(statement) }
            }
        }
    }

    private mutating func elseBranch(after elseToken: Token) -> ElseBranch? {
        switch current.kind {
        case .openBrace:
            advance()
            let body = statementList(inBlock: true)
            if current.kind == .closeBrace { advance() }
            return ElseBranch(body: body, braced: true)
        case .newline, .semicolon, .end, .closeBrace:
            diagnostics.append(Diagnostic("'else' needs a statement after it", at: elseToken.range, note: "e.g. \(Keyword.else.example)"))
            return nil
        case .word where atElse:
            diagnostics.append(Diagnostic("'else' cannot follow 'else' on the same line", at: current.range))
            return nil
        default:
            return statement().map { ElseBranch(body: [$0], braced: false) }
        }
    }

    /// One statement: the keyword and its arguments up to `;`, a newline, `}` or the end.
    private mutating func statement() -> Statement? {
        let first = current
        let narration = narration(above: source.line(of: first.range.lowerBound))
        advance()
        let opensBlock = first.kind.word?.literal == Keyword.rollout.rawValue
        var arguments: [Token] = []
        loop: while true {
            switch current.kind {
            case .newline, .semicolon, .end, .closeBrace:
                break loop
            case .openBrace where opensBlock:
                break loop
            case .openBrace:
                diagnostics.append(Diagnostic("'{' is only for else and rollout blocks", at: current.range))
            default:
                arguments.append(current)
            }
            advance()
        }
        guard case .word(let word) = first.kind, let text = word.literal, let keyword = Keyword(rawValue: text), keyword != .else else {
            if case .word(let word) = first.kind, let text = word.literal {
                let note = Suggest.closest(to: text, in: Keyword.allCases.map(\.rawValue)).map(Suggest.didYouMean)
                diagnostics.append(Diagnostic("unknown statement '\(text)'", at: first.range, note: note))
            } else {
                diagnostics.append(
                    Diagnostic("expected a statement", at: first.range, note: "statements start with a keyword such as upgrade or wait"))
            }
            return nil
        }
        var reader = ArgumentReader(keyword: keyword, keywordRange: first.range, tokens: arguments)
        let read = reader.read()
        diagnostics += reader.diagnostics
        let body = opensBlock ? block(of: first) : []
        guard var kind = read else { return nil }
        if case .rollout(let group, let plan, _) = kind { kind = .rollout(group: group, plan: plan, body: body) }
        let location = source.location(of: first.range.lowerBound)
        return Statement(kind: kind, location: location, keywordRange: first.range, narration: narration)
    }

    /// The `{ ... }` after a rollout header.
    private mutating func block(of keyword: Token) -> [Statement] {
        guard current.kind == .openBrace else {
            diagnostics.append(Diagnostic("rollout needs a block of statements in { } on the same line", at: keyword.range, note: "e.g. \(Keyword.rollout.example)"))
            return []
        }
        let open = current
        advance()
        let body = statementList(inBlock: true)
        if current.kind == .closeBrace { advance() }
        if body.isEmpty { diagnostics.append(Diagnostic("the rollout block is empty", at: open.range, note: "e.g. { upgrade; wait deployed }")) }
        return body
    }

    /// The full-line comments right above a line; for the first statement of a Markdown block,
    /// the block's heading and prose before them.
    private mutating func narration(above line: Int) -> [String] {
        var lines: [String] = []
        var number = line - 1
        while let text = comments[number] {
            lines.insert(text, at: 0)
            number -= 1
        }
        var prose: [String] = []
        while let next = blockNarration.first, next.line < line {
            prose = next.lines
            blockNarration.removeFirst()
        }
        return prose + lines
    }
}
