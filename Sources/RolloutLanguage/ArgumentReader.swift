/// Reads the arguments of one statement by its keyword.
struct ArgumentReader {
    let keyword: Keyword
    let keywordToken: Lexeme
    var tokens: ArgumentQueue
    /// Makes the tokens' words.
    let text: TokenText
    var diagnostics: [Diagnostic] = []

    static let settings = ["tag", "pull-policy", "value", "chart", "timeout", "interval"] + ParameterFlag.allCases.map(\.rawValue)
    static let expectFields = ["status", "version", "tag", "chart-version", "chart", "pull-policy", "value"]
    static let comparisons = ["==", "!=", "<", "<=", ">", ">="]

    init(keyword: Keyword, keywordToken: Lexeme, tokens: [Lexeme], text: TokenText) {
        self.keyword = keyword
        self.keywordToken = keywordToken
        self.tokens = ArgumentQueue(tokens)
        self.text = text
    }

    mutating func read() -> StatementKind? {
        switch keyword {
        case .use: return use()
        case .set: return set()
        case .let: return assign()
        case .upgrade:
            let target = readTarget()
            return .upgrade(release: optionalWord("release name"), target: target)
        case .rollback: return rollback()
        case .install: return install()
        case .uninstall:
            let target = readTarget()
            return .uninstall(release: optionalWord("release name"), target: target)
        case .show:
            let target = readTarget()
            return .show(release: optionalWord("release name"), target: target)
        case .status:
            let target = readTarget()
            return .status(release: optionalWord("release name"), target: target)
        case .history:
            let target = readTarget()
            return .history(release: optionalWord("release name"), target: target)
        case .list:
            let target = readTarget()
            return finish(.list(target: target))
        case .charts: return finish(.charts)
        case .chart: return requiredWord("chart id", example: "chart af4b699e-018c-11ec-b8b0-0255ac100b05").flatMap { finish(.chart($0)) }
        case .values: return requiredWord("chart id", example: "values af4b699e-018c-11ec-b8b0-0255ac100b05").flatMap { finish(.values($0)) }
        case .wait: return wait()
        case .expect: return expect()
        case .sleep: return requiredWord("duration", example: "sleep 30s").flatMap { finish(.sleep($0)) }
        case .echo: return echo()
        case .pause: return finish(.pause(tokens.isEmpty ? nil : takeWord()))
        case .abort: return finish(.abort(tokens.isEmpty ? nil : takeWord()))
        }
    }

    // MARK: Statements

    private mutating func use() -> StatementKind? {
        guard let kindToken = tokens.first, let kindText = literal(kindToken) else {
            missing("what to use", example: "use cluster demo")
            return nil
        }
        guard let kind = UseKind(rawValue: kindText) else {
            let note = Suggest.closest(to: kindText, in: UseKind.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" }
                ?? "use cluster, use namespace or use release"
            diagnostics.append(Diagnostic("unknown 'use \(kindText)'", at: kindToken.location, length: kindToken.length, note: note))
            return nil
        }
        tokens.removeFirst()
        return requiredWord("\(kind.rawValue) name", example: "use \(kind.rawValue) \(kind == .cluster ? "demo" : kind == .namespace ? "monitoring" : "testwww")")
            .flatMap { finish(.use(kind, $0)) }
    }

    private mutating func set() -> StatementKind? {
        guard let nameToken = tokens.first, let name = literal(nameToken) else {
            missing("a setting", example: "set tag v2")
            return nil
        }
        tokens.removeFirst()
        switch name {
        case "tag": return requiredWord("image tag", example: "set tag v2").flatMap { finish(.set(.tag($0))) }
        case "pull-policy": return requiredWord("pull policy", example: "set pull-policy IfNotPresent").flatMap { finish(.set(.pullPolicy($0))) }
        case "chart": return requiredWord("chart id", example: "set chart af4b699e-...").flatMap { finish(.set(.chart($0))) }
        case "timeout": return requiredWord("duration", example: "set timeout 5m").flatMap { finish(.set(.timeout($0))) }
        case "interval": return requiredWord("duration", example: "set interval 2s").flatMap { finish(.set(.interval($0))) }
        case "value":
            guard let path = requiredWord("value path", example: "set value basic.storage_size = 20G") else { return nil }
            guard let op = tokens.first, text.isExactly(op, "=") else {
                diagnostics.append(Diagnostic("expected '=' after the value path", at: tokens.first?.location ?? path.location, note: "set value basic.storage_size = 20G"))
                return nil
            }
            tokens.removeFirst()
            return requiredWord("value", example: "set value basic.storage_size = 20G").flatMap { finish(.set(.value(path: path, value: $0))) }
        default:
            if let flag = ParameterFlag(rawValue: name) {
                let word = tokens.isEmpty ? Word("on", location: nameToken.location) : takeWord()
                if let word, let text = word.literal, !["on", "off", "true", "false"].contains(text) {
                    diagnostics.append(Diagnostic("'\(name)' is on or off, not '\(text)'", at: word.location, length: word.length))
                    return nil
                }
                return word.flatMap { finish(.set(.flag(flag, $0))) }
            }
            let note = Suggest.closest(to: name, in: Self.settings).map { "did you mean '\($0)'?" }
                ?? "settings: \(Self.settings.joined(separator: ", "))"
            diagnostics.append(Diagnostic("unknown setting '\(name)'", at: nameToken.location, length: nameToken.length, note: note))
            return nil
        }
    }

    private mutating func assign() -> StatementKind? {
        guard let nameToken = tokens.first, let name = literal(nameToken) else {
            missing("a variable name", example: "let TAG = v2")
            return nil
        }
        guard let first = name.utf8.first, !(48...57).contains(first), name.utf8.allSatisfy(Lexer.isNameByte) else {
            diagnostics.append(Diagnostic("'\(name)' is not a variable name", at: nameToken.location, length: nameToken.length, note: "names are letters, digits and _, not starting with a digit"))
            return nil
        }
        tokens.removeFirst()
        guard let op = tokens.first, text.isExactly(op, "=") else {
            diagnostics.append(Diagnostic("expected '=' after \(name)", at: tokens.first?.location ?? nameToken.location, note: "let \(name) = value"))
            return nil
        }
        tokens.removeFirst()
        return requiredWord("value", example: "let \(name) = v2").flatMap { finish(.assign(name: name, value: $0)) }
    }

    private mutating func rollback() -> StatementKind? {
        let target = readTarget()
        var release: Word?
        var version: Word?
        var sawTo = false
        while let token = tokens.first {
            if isWord(token, "to") {
                tokens.removeFirst()
                sawTo = true
                continue
            }
            guard let word = takeWord() else { return nil }
            let isNumber = word.literal.map { !$0.isEmpty && $0.allSatisfy(\.isNumber) } ?? false
            if version == nil && (isNumber || sawTo || release != nil) {
                version = word
            } else if release == nil && version == nil {
                release = word
            } else {
                unexpected(word)
                return nil
            }
        }
        if sawTo && version == nil {
            missing("a version after 'to'", example: "rollback testwww to 2")
            return nil
        }
        return .rollback(release: release, version: version, target: target)
    }

    private mutating func install() -> StatementKind? {
        let target = readTarget()
        guard let release = requiredWord("release name", example: "install cache from chart af4b699e-...") else { return nil }
        guard tokens.count >= 2, isWord(tokens[0], "from"), isWord(tokens[1], "chart") else {
            diagnostics.append(Diagnostic("expected 'from chart <id>' after the release name", at: tokens.first?.location ?? release.location, note: "install cache from chart af4b699e-..."))
            return nil
        }
        tokens.removeFirst(2)
        return requiredWord("chart id", example: "install cache from chart af4b699e-...")
            .flatMap { finish(.install(release: release, chart: $0, target: target)) }
    }

    private mutating func wait() -> StatementKind? {
        let target = readTarget()
        let release = pair("for")
        let timeout = pair("timeout")
        guard let status = requiredWord("status", example: "wait deployed") else { return nil }
        if let text = status.literal, WaitTarget(text) == nil {
            let note = Suggest.closest(to: text, in: WaitTarget.names).map { "did you mean '\($0)'?" } ?? "statuses: \(WaitTarget.names.joined(separator: ", "))"
            diagnostics.append(Diagnostic("unknown status '\(text)'", at: status.location, length: status.length, note: note))
            return nil
        }
        return finish(.wait(status: status, release: release, timeout: timeout, target: target))
    }

    private mutating func expect() -> StatementKind? {
        let target = readTarget()
        let release = pair("for")
        guard let fieldToken = tokens.first, let name = literal(fieldToken) else {
            missing("a field to check", example: "expect tag == v2")
            return nil
        }
        tokens.removeFirst()
        let field: ExpectField
        switch name {
        case "status": field = .status
        case "version": field = .version
        case "tag": field = .tag
        case "chart-version": field = .chartVersion
        case "chart": field = .chart
        case "pull-policy": field = .pullPolicy
        case "value":
            guard let path = requiredWord("value path", example: "expect value basic.storage_size == 20G") else { return nil }
            field = .value(path)
        default:
            let note = Suggest.closest(to: name, in: Self.expectFields).map { "did you mean '\($0)'?" } ?? "fields: \(Self.expectFields.joined(separator: ", "))"
            diagnostics.append(Diagnostic("unknown field '\(name)'", at: fieldToken.location, length: fieldToken.length, note: note))
            return nil
        }
        guard let opToken = tokens.first, opToken.kind == .op, case .op(let op) = text.token(for: opToken).kind, Self.comparisons.contains(op) else {
            diagnostics.append(Diagnostic("expected a comparison (==, !=, <, <=, >, >=) after '\(name)'", at: tokens.first?.location ?? fieldToken.location, note: "expect \(name) == value"))
            return nil
        }
        tokens.removeFirst()
        guard let value = requiredWord("value to compare with", example: "expect \(name) == value") else { return nil }
        return finish(.expect(field: field, op: op, value: value, release: release, target: target))
    }

    private mutating func echo() -> StatementKind? {
        var words: [Word] = []
        while let token = tokens.first {
            tokens.removeFirst()
            switch text.token(for: token).kind {
            case .word(let word), .string(let word): words.append(word)
            case .op(let op): words.append(Word(op, location: token.location))
            default: break
            }
        }
        return .echo(words)
    }

    // MARK: Helpers

    /// Takes `in <namespace>` and `on <cluster>` from anywhere in the arguments.
    private mutating func readTarget() -> Target {
        Target(namespace: pair("in"), cluster: pair("on"))
    }

    /// Takes `<key> <word>` from the arguments.
    private mutating func pair(_ key: StaticString) -> Word? {
        var at = 0
        while at < tokens.count, !isWord(tokens[at], key) { at += 1 }
        guard at < tokens.count else { return nil }
        let keyToken = tokens[at]
        guard at + 1 < tokens.count, let word = word(tokens[at + 1]) else {
            tokens.remove(at: at)
            diagnostics.append(Diagnostic("'\(key)' needs a value after it", at: keyToken.location, length: keyToken.length))
            return nil
        }
        tokens.remove(at: at, count: 2)
        return word
    }

    private mutating func optionalWord(_ what: String) -> Word? {
        guard !tokens.isEmpty else { return nil }
        let word = takeWord()
        if let extra = tokens.first { unexpected(extra) }
        return word
    }

    private mutating func requiredWord(_ what: String, example: String) -> Word? {
        guard !tokens.isEmpty else {
            missing(what, example: example)
            return nil
        }
        return takeWord()
    }

    private mutating func takeWord() -> Word? {
        let token = tokens.removeFirst()
        guard let word = word(token) else {
            diagnostics.append(Diagnostic("unexpected '\(tokenText(token))'", at: token.location, length: token.length))
            return nil
        }
        return word
    }

    private func word(_ token: Lexeme) -> Word? { text.word(of: token) }

    private func literal(_ token: Lexeme) -> String? { text.literal(of: token) }

    /// True for a bare word that is exactly `keyword` (such as `in` or `for`).
    private func isWord(_ token: Lexeme, _ keyword: StaticString) -> Bool {
        token.kind == .word && token.end - token.start == keyword.utf8CodeUnitCount && text.isExactly(token, keyword)
    }

    private mutating func finish(_ kind: StatementKind) -> StatementKind? {
        guard let extra = tokens.first else { return kind }
        unexpected(extra)
        return nil
    }

    private mutating func unexpected(_ token: Lexeme) {
        diagnostics.append(Diagnostic("unexpected '\(tokenText(token))' after \(keyword.rawValue)", at: token.location, length: token.length, note: Help.syntax(of: keyword.rawValue).map { "usage: \($0)" }))
    }

    private mutating func unexpected(_ word: Word) {
        diagnostics.append(Diagnostic("unexpected '\(word)' after \(keyword.rawValue)", at: word.location, length: word.length, note: Help.syntax(of: keyword.rawValue).map { "usage: \($0)" }))
    }

    private mutating func missing(_ what: String, example: String) {
        let end = keywordToken.location
        diagnostics.append(Diagnostic("\(keyword.rawValue) needs \(what.hasPrefix("a") ? what : "a \(what)")", at: end, length: keywordToken.length, note: "e.g. \(example)"))
    }

    private func tokenText(_ token: Lexeme) -> String {
        switch text.token(for: token).kind {
        case .word(let word), .string(let word): return word.description
        case .op(let op): return op
        case .semicolon: return ";"
        case .newline: return "newline"
        case .openBrace: return "{"
        case .closeBrace: return "}"
        case .end: return "end"
        }
    }
}

/// A statement's arguments not yet read, by offset from the first of them: taking the first moves an
/// index instead of the elements after it.
struct ArgumentQueue {
    /// The arguments, read or not: the parser takes the buffer back for the next statement.
    var storage: [Lexeme]
    private var start = 0

    init(_ storage: [Lexeme]) { self.storage = storage }

    var isEmpty: Bool { start == storage.count }
    var count: Int { storage.count - start }
    var first: Lexeme? { isEmpty ? nil : storage[start] }
    subscript(offset: Int) -> Lexeme { storage[start + offset] }

    @discardableResult
    mutating func removeFirst() -> Lexeme {
        start += 1
        return storage[start - 1]
    }

    mutating func removeFirst(_ count: Int) { start += count }

    mutating func remove(at offset: Int, count: Int = 1) {
        storage.removeSubrange(start + offset..<start + offset + count)
    }
}

/// What a `wait` waits for: a status, or the release being gone.
public enum WaitTarget: Sendable, Equatable {
    case status(String)
    case gone

    /// The words `wait` takes.
    public static let names = ["deployed", "failed", "deleted", "unknown", "pending-install", "pending-upgrade", "pending-rollback", "deleting"]
    /// The API's status for each name (`pending-upgrade` → `PENDING_UPGRADE`).
    private static let statuses = names.map { String($0.uppercased().map { $0 == "-" ? "_" : $0 }) }

    /// Parses a status word (`deployed`, `DEPLOYED`, `pending-upgrade`, `pending_upgrade`); nil when unknown.
    public init?(_ text: String) {
        // Scripts mostly write the words as listed; only other spellings are normalised.
        let normal = Self.names.contains(text) ? text : String(text.lowercased().map { $0 == "_" ? "-" : $0 })
        guard let index = Self.names.firstIndex(of: normal) else { return nil }
        self = normal == "deleted" ? .gone : .status(Self.statuses[index])
    }
}
