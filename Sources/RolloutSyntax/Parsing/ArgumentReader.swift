/// Reads the arguments of one statement by its keyword.
struct ArgumentReader {
    let keyword: Keyword
    let keywordRange: Range<Int>
    /// The arguments not read yet.
    private var tokens: [Token]
    private(set) var diagnostics: [Diagnostic] = []

    init(keyword: Keyword, keywordRange: Range<Int>, tokens: [Token]) {
        self.keyword = keyword
        self.keywordRange = keywordRange
        self.tokens = tokens
    }

    mutating func read() -> StatementKind? {
        switch keyword {
        case .use: return use()
        case .set: return set()
        case .let: return assign()
        case .upgrade: return onRelease(StatementKind.upgrade)
        case .rollback: return rollback()
        case .install: return install()
        case .uninstall: return onRelease(StatementKind.uninstall)
        case .show: return onRelease(StatementKind.show)
        case .status: return onRelease(StatementKind.status)
        case .history: return onRelease(StatementKind.history)
        case .list:
            let target = readTarget()
            return finish(.list(target: target))
        case .charts: return finish(.charts)
        case .chart: return requiredWord("chart id", example: Keyword.chart.example).flatMap { finish(.chart($0)) }
        case .values: return requiredWord("chart id", example: Keyword.values.example).flatMap { finish(.values($0)) }
        case .wait: return wait()
        case .expect: return expect()
        case .sleep: return requiredWord("duration", example: Keyword.sleep.example).flatMap { finish(.sleep($0)) }
        case .echo: return echo()
        case .pause: return finish(.pause(tokens.isEmpty ? nil : takeWord()))
        case .abort: return finish(.abort(tokens.isEmpty ? nil : takeWord()))
        case .else: return nil
        }
    }

    // MARK: Statements

    private mutating func use() -> StatementKind? {
        guard let kindToken = tokens.first, let kindText = literal(kindToken) else {
            missing("what to use", example: Keyword.use.example)
            return nil
        }
        guard let kind = UseKind(rawValue: kindText) else {
            let names = UseKind.allCases.map(\.rawValue)
            let note = Suggest.closest(to: kindText, in: names).map { "did you mean '\($0)'?" }
                ?? names.map { "use \($0)" }.joined(separator: ", ")
            diagnostics.append(Diagnostic("unknown 'use \(kindText)'", at: kindToken.range, note: note))
            return nil
        }
        tokens.removeFirst()
        return requiredWord("\(kind.rawValue) name", example: "use \(kind.rawValue) \(kind.example)").flatMap { finish(.use(kind, $0)) }
    }

    private mutating func set() -> StatementKind? {
        guard let nameToken = tokens.first, let name = literal(nameToken) else {
            missing("a setting", example: SettingName.tag.argument.example)
            return nil
        }
        tokens.removeFirst()
        if let flag = ParameterFlag(rawValue: name) {
            guard let word = tokens.isEmpty ? Word(Switch.on.rawValue, range: nameToken.range) : takeWord() else { return nil }
            if let text = word.literal, Switch(rawValue: text) == nil {
                diagnostics.append(Diagnostic("'\(name)' is on or off, not '\(text)'", at: word.range))
                return nil
            }
            return finish(.set(.flag(flag, word)))
        }
        guard let setting = SettingName(rawValue: name) else {
            let note = Suggest.closest(to: name, in: SettingName.allWords).map { "did you mean '\($0)'?" }
                ?? "settings: \(SettingName.allWords.joined(separator: ", "))"
            diagnostics.append(Diagnostic("unknown setting '\(name)'", at: nameToken.range, note: note))
            return nil
        }
        let (what, example) = setting.argument
        guard let word = requiredWord(what, example: example) else { return nil }
        switch setting {
        case .tag: return finish(.set(.tag(word)))
        case .pullPolicy: return finish(.set(.pullPolicy(word)))
        case .chart: return finish(.set(.chart(word)))
        case .timeout: return finish(.set(.timeout(word)))
        case .interval: return finish(.set(.interval(word)))
        case .value:
            guard expectEquals(after: word.range, note: example) else { return nil }
            return requiredWord("value", example: example).flatMap { finish(.set(.value(path: word, value: $0))) }
        }
    }

    private mutating func assign() -> StatementKind? {
        guard let nameToken = tokens.first, let name = literal(nameToken) else {
            missing("a variable name", example: "let TAG = v2")
            return nil
        }
        guard VariableName.isValid(name) else {
            diagnostics.append(Diagnostic("'\(name)' is not a variable name", at: nameToken.range, note: VariableName.rule))
            return nil
        }
        tokens.removeFirst()
        guard expectEquals(after: nameToken.range, what: name, note: "let \(name) = value") else { return nil }
        return requiredWord("value", example: "let \(name) = v2").flatMap { finish(.assign(name: name, value: $0)) }
    }

    private mutating func rollback() -> StatementKind? {
        let target = readTarget()
        var release: Word?
        var version: Word?
        var sawTo = false
        while let token = tokens.first {
            if isWord(token, .to) {
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
                unexpected(word.description, at: word.range)
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
        guard let release = requiredWord("release name", example: Keyword.install.example) else { return nil }
        guard tokens.count >= 2, isWord(tokens[0], .from), literal(tokens[1]) == Keyword.chart.rawValue else {
            diagnostics.append(
                Diagnostic(
                    "expected 'from chart <id>' after the release name", at: tokens.first?.range ?? release.range,
                    note: Keyword.install.example))
            return nil
        }
        tokens.removeFirst(2)
        return requiredWord("chart id", example: Keyword.install.example)
            .flatMap { finish(.install(release: release, chart: $0, target: target)) }
    }

    private mutating func wait() -> StatementKind? {
        let target = readTarget()
        let release = pair(.for)
        let timeout = pair(.timeout)
        guard let status = requiredWord("status", example: "wait deployed") else { return nil }
        if let text = status.literal, WaitStatus(spelling: text) == nil {
            diagnostics.append(Self.unknownStatus(text, at: status.range))
            return nil
        }
        return finish(.wait(status: status, release: release, timeout: timeout, target: target))
    }

    /// `unknown status 'deploid'`, with a did-you-mean or the list.
    static func unknownStatus(_ text: String, at range: Range<Int>) -> Diagnostic {
        let names = WaitStatus.allCases.map(\.rawValue)
        let note = Suggest.closest(to: text, in: names).map { "did you mean '\($0)'?" } ?? "statuses: \(names.joined(separator: ", "))"
        return Diagnostic("unknown status '\(text)'", at: range, note: note)
    }

    private mutating func expect() -> StatementKind? {
        let target = readTarget()
        let release = pair(.for)
        guard let fieldToken = tokens.first, let name = literal(fieldToken) else {
            missing("a field to check", example: Keyword.expect.example)
            return nil
        }
        tokens.removeFirst()
        guard let field = ExpectField(rawValue: name) else {
            let names = ExpectField.allCases.map(\.rawValue)
            let note = Suggest.closest(to: name, in: names).map { "did you mean '\($0)'?" } ?? "fields: \(names.joined(separator: ", "))"
            diagnostics.append(Diagnostic("unknown field '\(name)'", at: fieldToken.range, note: note))
            return nil
        }
        var path: Word?
        if field.takesPath {
            guard let word = requiredWord("value path", example: "expect value basic.storage_size == 20G") else { return nil }
            path = word
        }
        guard let opToken = tokens.first, case .comparison(let comparison) = opToken.kind else {
            let operators = Comparison.allCases.map(\.rawValue).joined(separator: ", ")
            diagnostics.append(
                Diagnostic(
                    "expected a comparison (\(operators)) after '\(name)'", at: tokens.first?.range ?? fieldToken.range,
                    note: "expect \(name) == value"))
            return nil
        }
        tokens.removeFirst()
        guard let value = requiredWord("value to compare with", example: "expect \(name) == value") else { return nil }
        return finish(.expect(field: field, path: path, comparison: comparison, value: value, release: release, target: target))
    }

    private mutating func echo() -> StatementKind? {
        let words = tokens.map { token in token.kind.word ?? Word(Self.text(of: token.kind), range: token.range) }
        tokens.removeAll()
        return .echo(words)
    }

    /// A statement of an optional release and its `in` and `on`.
    private mutating func onRelease(_ make: (Word?, Target) -> StatementKind) -> StatementKind {
        let target = readTarget()
        return make(optionalWord(), target)
    }

    // MARK: Helpers

    /// Takes `in <namespace>` and `on <cluster>` from anywhere in the arguments.
    private mutating func readTarget() -> Target {
        Target(namespace: pair(.in), cluster: pair(.on))
    }

    /// Takes `<key> <word>` from anywhere in the arguments.
    private mutating func pair(_ key: ArgumentWord) -> Word? {
        guard let at = tokens.firstIndex(where: { isWord($0, key) }) else { return nil }
        let keyToken = tokens.remove(at: at)
        guard at < tokens.count, let word = tokens[at].kind.word else {
            diagnostics.append(Diagnostic("'\(key.rawValue)' needs a value after it", at: keyToken.range))
            return nil
        }
        tokens.remove(at: at)
        return word
    }

    /// Takes `=`, or says it is missing after the given range.
    private mutating func expectEquals(after range: Range<Int>, what: String = "the value path", note: String) -> Bool {
        guard let token = tokens.first, token.kind == .equals else {
            diagnostics.append(Diagnostic("expected '=' after \(what)", at: tokens.first?.range ?? range, note: note))
            return false
        }
        tokens.removeFirst()
        return true
    }

    private mutating func optionalWord() -> Word? {
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
        guard let word = token.kind.word else {
            diagnostics.append(Diagnostic("unexpected '\(Self.text(of: token.kind))'", at: token.range))
            return nil
        }
        return word
    }

    private func literal(_ token: Token) -> String? {
        if case .word(let word) = token.kind { return word.literal }
        return nil
    }

    /// True for a bare word that is exactly `key` (such as `in` or `for`).
    private func isWord(_ token: Token, _ key: ArgumentWord) -> Bool {
        literal(token) == key.rawValue
    }

    private mutating func finish(_ kind: StatementKind) -> StatementKind? {
        guard let extra = tokens.first else { return kind }
        unexpected(extra)
        return nil
    }

    private mutating func unexpected(_ token: Token) {
        unexpected(Self.text(of: token.kind), at: token.range)
    }

    private mutating func unexpected(_ text: String, at range: Range<Int>) {
        diagnostics.append(Diagnostic("unexpected '\(text)' after \(keyword.rawValue)", at: range, note: "usage: \(keyword.syntax)"))
    }

    private mutating func missing(_ what: String, example: String) {
        diagnostics.append(
            Diagnostic("\(keyword.rawValue) needs \(what.hasPrefix("a") ? what : "a \(what)")", at: keywordRange, note: "e.g. \(example)"))
    }

    /// A token as the user wrote it, for messages.
    static func text(of kind: TokenKind) -> String {
        switch kind {
        case .word(let word), .string(let word): return word.description
        case .comparison(let comparison): return comparison.rawValue
        case .equals: return "="
        case .semicolon: return ";"
        case .newline: return "newline"
        case .openBrace: return "{"
        case .closeBrace: return "}"
        case .end: return "end"
        }
    }
}
