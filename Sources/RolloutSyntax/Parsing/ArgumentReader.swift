import AutopilotModels

/// Reads the arguments of one statement by its keyword.
struct ArgumentReader {
    let keyword: Keyword
    let keywordRange: Range<Int>
    /// The arguments not read yet.
    var tokens: [Token]
    var diagnostics: [Diagnostic] = []

    init(keyword: Keyword, keywordRange: Range<Int>, tokens: [Token]) {
        self.keyword = keyword
        self.keywordRange = keywordRange
        self.tokens = tokens
    }

    mutating func read() -> StatementKind? {
        if keyword.form.readsBySlots { return call().map(StatementKind.call) }
        switch keyword {
        case .use: return use()
        case .set: return set()
        case .let: return assign()
        case .group: return group()
        case .analysis: return analysis()
        case .rollout: return rolloutHeader()
        default: return nil
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
            let note = Suggest.closest(to: kindText, in: names).map(Suggest.didYouMean)
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
            let note = Suggest.closest(to: name, in: SettingName.allWords).map(Suggest.didYouMean)
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

    /// The group name the statement starts with (`group NAME = ...`, `rollout NAME ...`), taken.
    mutating func groupName(_ what: String) -> (name: String, token: Token)? {
        guard let token = tokens.first, let name = literal(token) else {
            missing(what, example: keyword.example)
            return nil
        }
        guard GroupName.isValid(name) else {
            diagnostics.append(Diagnostic("'\(name)' is not a group name", at: token.range, note: GroupName.rule))
            return nil
        }
        tokens.removeFirst()
        return (name, token)
    }

    /// `NAME = <source>`, the start of `group` and `analysis`: the name and the source word, taken.
    mutating func nameAndSource<Source: RawRepresentable & CaseIterable>(_ what: String, _: Source.Type) -> (String, Source)?
    where Source.RawValue == String {
        guard let (name, nameToken) = groupName(what) else { return nil }
        guard expectEquals(after: nameToken.range, what: name, note: keyword.example) else { return nil }
        let sources = Source.allCases.map(\.rawValue)
        guard let sourceToken = tokens.first, let text = literal(sourceToken), let source = Source(rawValue: text) else {
            let text = tokens.first.map { Self.text(of: $0.kind) }
            let note = text.flatMap { Suggest.closest(to: $0, in: sources) }.map(Suggest.didYouMean) ?? "e.g. \(keyword.example)"
            diagnostics.append(
                Diagnostic(
                    "expected \(sources.joined(separator: ", ")) after '\(keyword.rawValue) \(name) ='", at: tokens.first?.range ?? nameToken.range,
                    note: note))
            return nil
        }
        tokens.removeFirst()
        return (name, source)
    }

    private mutating func group() -> StatementKind? {
        guard let (name, source) = nameAndSource("a group name", GroupSource.self) else { return nil }
        switch source {
        case .fleet:
            return requiredWord("fleet name", example: "group \(name) = fleet production").flatMap { finish(.group(name: name, members: .fleet($0))) }
        case .clusters:
            if let first = tokens.first, literal(first) == QueryWord.matching.rawValue {
                tokens.removeFirst()
                return requiredWord("cluster name pattern", example: "group \(name) = clusters matching \"edge-*\"")
                    .flatMap { finish(.group(name: name, members: .clustersMatching($0))) }
            }
            guard !tokens.isEmpty else {
                missing("at least one cluster", example: "group \(name) = clusters demo staging")
                return nil
            }
            return restOfWords().map { .group(name: name, members: .clusters($0)) }
        case .releases:
            let queryWords = Set(QueryWord.allCases.map(\.rawValue) + [ArgumentWord.in.rawValue, ArgumentWord.on.rawValue])
            guard tokens.contains(where: { literal($0).map(queryWords.contains) ?? false }) else {
                guard !tokens.isEmpty else {
                    missing("releases", example: "group \(name) = releases demo/shop/shop-web staging/shop/shop-web")
                    return nil
                }
                return restOfWords().map { .group(name: name, members: .releases($0)) }
            }
            return query().map { .group(name: name, members: .query($0)) }
        }
    }

    /// `[of chart <name>] [matching <pattern>] [in <namespace>] on <cluster> ...`, in any order with `on` last.
    private mutating func query() -> ReleaseQuery? {
        var query = ReleaseQuery(clusters: [])
        if let at = tokens.firstIndex(where: { literal($0) == QueryWord.of.rawValue }) {
            let of = tokens.remove(at: at)
            guard at < tokens.count, literal(tokens[at]) == Keyword.chart.rawValue, at + 1 < tokens.count, let chart = tokens[at + 1].kind.word
            else {
                diagnostics.append(Diagnostic("'of' needs 'chart <name>' after it", at: of.range, note: "releases of chart shop-web on demo"))
                return nil
            }
            tokens.removeSubrange(at...(at + 1))
            query.chart = chart
        }
        query.pattern = pair(QueryWord.matching.rawValue)
        query.namespace = pair(ArgumentWord.in.rawValue)
        guard let on = tokens.first, isWord(on, .on) else {
            if let extra = tokens.first {
                unexpected(extra)
            } else {
                missing("'on <cluster> ...' to say where to look", example: "group web = releases of chart shop-web on demo staging")
            }
            return nil
        }
        tokens.removeFirst()
        guard !tokens.isEmpty, let clusters = restOfWords() else {
            diagnostics.append(Diagnostic("'on' needs a cluster or a group of clusters after it", at: on.range))
            return nil
        }
        query.clusters = clusters
        return query
    }

    /// `rollout <group> [waves ...] [parallel <n>] [soak <d>] [halt after <n>|at <p>%] [then <policy>] [recovered ok] [failures ok]`;
    /// the parser adds the block.
    private mutating func rolloutHeader() -> StatementKind? {
        guard let (group, _) = groupName("a group") else { return nil }
        var plan = RolloutPlan()
        var seen: Set<RolloutClause> = []
        let clauseWords = RolloutClause.allCases.map(\.rawValue)
        while !tokens.isEmpty {
            let listed = "clauses: \(clauseWords.joined(separator: ", ")); the block follows in { }"
            guard let (clause, token) = nextWord(RolloutClause.self, seen: &seen, in: "the rollout header", listing: listed) else { return nil }
            let text = clause.rawValue
            switch clause {
            case .waves:
                guard let waves = waves(after: token, stoppingAt: Set(clauseWords)) else { return nil }
                plan.waves = waves.steps
                plan.wavesRange = waves.range
            case .parallel:
                guard let word = requiredWord("number after 'parallel'", example: "parallel 8") else { return nil }
                plan.parallel = word
            case .soak:
                guard let word = requiredWord("duration after 'soak'", example: "soak 5m") else { return nil }
                plan.soak = word
            case .analyze:
                guard let names = names(after: token, stoppingAt: Set(clauseWords)) else { return nil }
                plan.analyses = names
            case .halt:
                let how = tokens.first.flatMap(literal)
                guard how == HaltRule.afterWord || how == HaltRule.atWord, tokens.count >= 2, let word = tokens[1].kind.word else {
                    diagnostics.append(Diagnostic("'halt' needs 'after <n>' or 'at <p>%'", at: token.range, note: "halt after 3, or halt at 10%"))
                    return nil
                }
                tokens.removeFirst(2)
                plan.halt = how == HaltRule.afterWord ? .after(word) : .at(word)
            case .then:
                let first = tokens.first.flatMap(literal)
                let second = tokens.count > 1 ? literal(tokens[1]) : nil
                if let first, let policy = HaltPolicy(rawValue: first) ?? second.flatMap({ HaltPolicy(rawValue: "\(first) \($0)") }) {
                    tokens.removeFirst(policy.rawValue.contains(" ") ? 2 : 1)
                    plan.policy = policy
                } else {
                    let policies = HaltPolicy.allCases.map { "then \($0.spelling)" }.joined(separator: ", ")
                    diagnostics.append(Diagnostic("'then' needs what a halt does", at: tokens.first?.range ?? token.range, note: policies))
                    return nil
                }
            case .recovered, .failures:
                guard tokens.first.flatMap(literal) == "ok" else {
                    diagnostics.append(Diagnostic("'\(text)' is written '\(clause.syntax)'", at: token.range, note: clause.summary))
                    return nil
                }
                tokens.removeFirst()
                if clause == .recovered { plan.recoveredOK = true } else { plan.failedOK = true }
            }
        }
        return .rollout(group: group, plan: plan, body: [])
    }

    /// The next word of a set that may come in any order, each once (a rollout's clauses, an analysis's
    /// options), taken with its token; nil after a diagnostic for a word not of the set or given twice.
    mutating func nextWord<Choice: RawRepresentable & CaseIterable & Hashable>(
        _: Choice.Type, seen: inout Set<Choice>, in place: String, listing: String
    ) -> (Choice, Token)? where Choice.RawValue == String {
        guard let token = tokens.first else { return nil }
        guard let text = literal(token), let word = Choice(rawValue: text) else {
            let text = Self.text(of: token.kind)
            let note = Suggest.closest(to: text, in: Choice.allCases.map(\.rawValue)).map(Suggest.didYouMean) ?? listing
            diagnostics.append(Diagnostic("unexpected '\(text)' in \(place)", at: token.range, note: note))
            return nil
        }
        tokens.removeFirst()
        guard seen.insert(word).inserted else {
            diagnostics.append(Diagnostic("'\(text)' is given twice", at: token.range))
            return nil
        }
        return (word, token)
    }

    /// The entries of a `waves` list up to the next clause: sizes (commas between them allowed) and gates.
    private mutating func waves(after keyword: Token, stoppingAt clauses: Set<String>) -> (steps: [WaveStep], range: Range<Int>)? {
        var steps: [WaveStep] = []
        var end = keyword.range.upperBound
        while let token = tokens.first, !(literal(token).map(clauses.contains) ?? false) {
            guard let text = literal(token) else {
                diagnostics.append(Diagnostic("unexpected '\(Self.text(of: token.kind))' in the waves", at: token.range, note: RolloutClause.waves.syntax))
                return nil
            }
            tokens.removeFirst()
            end = token.range.upperBound
            if text == WaveStep.gateWord {
                var name: String?
                if let next = tokens.first, case .string(let word) = next.kind {
                    guard let literal = word.literal, GroupName.isValid(literal) else {
                        diagnostics.append(Diagnostic("a gate's name is a plain name", at: next.range, note: GroupName.rule))
                        return nil
                    }
                    name = literal
                    tokens.removeFirst()
                    end = next.range.upperBound
                }
                guard let check = gateCheck(&end), let approvers = gateApprovers(&end) else { return nil }
                steps.append(.gate(name, check: check.value, approvers: approvers))
                continue
            }
            for size in text.split(separator: ",") {
                if size == WaveStep.gateWord {
                    steps.append(.gate(nil))
                    continue
                }
                guard let step = WaveStep(size: String(size)) else {
                    diagnostics.append(
                        Diagnostic("'\(size)' is not a wave size", at: token.range, note: "a wave is a count (5), a share (10%) or rest"))
                    return nil
                }
                steps.append(step)
            }
        }
        guard !steps.isEmpty else {
            missing("wave sizes after 'waves'", example: "waves 1, 10%, rest")
            return nil
        }
        return (steps, keyword.range.lowerBound..<end)
    }

    /// After a gate: `analysis <name> [and ask]`, or nothing; nil after a diagnostic.
    private mutating func gateCheck(_ end: inout Int) -> (value: GateCheck?, Void)? {
        guard let first = tokens.first, literal(first) == GateCheck.analysisWord else { return (nil, ()) }
        tokens.removeFirst()
        // A comma may end it, as between wave sizes.
        func bare(_ text: String) -> String { text.hasSuffix(",") ? String(text.dropLast()) : text }
        guard let nameToken = tokens.first, let text = literal(nameToken).map(bare), GroupName.isValid(text) else {
            diagnostics.append(Diagnostic("'analysis' after a gate needs the analysis's name", at: first.range, note: "e.g. gate \"prod\" analysis errors"))
            return nil
        }
        tokens.removeFirst()
        end = nameToken.range.upperBound
        var check = GateCheck(analysis: Word(text, range: nameToken.range))
        if tokens.count >= 2, literal(tokens[0]) == GateCheck.andWord, literal(tokens[1]).map(bare) == GateCheck.askWord {
            end = tokens[1].range.upperBound
            tokens.removeFirst(2)
            check.ask = true
        }
        return (check, ())
    }

    /// After a gate: `by <user>[, <user>]…`, who may pass it, or nothing; nil after a diagnostic.
    /// The names run to the next wave size or clause.
    private mutating func gateApprovers(_ end: inout Int) -> [String]? {
        guard let first = tokens.first, literal(first) == WaveStep.byWord else { return [] }
        tokens.removeFirst()
        var names: [String] = []
        while let token = tokens.first, let text = literal(token), WaveStep(size: text) == nil, text != WaveStep.gateWord {
            let words = text.split(separator: ",").map(String.init)
            guard words.allSatisfy(UserName.isValid) else { break }
            tokens.removeFirst()
            end = token.range.upperBound
            names += words
            if !text.hasSuffix(","), tokens.first.flatMap(literal) != "," { break }
        }
        guard !names.isEmpty else {
            diagnostics.append(Diagnostic("'by' after a gate needs who may pass it", at: first.range, note: "e.g. gate \"prod\" by alice, bob"))
            return nil
        }
        return names
    }

    /// The analysis names after `analyze`, up to the next clause (commas between them allowed).
    private mutating func names(after keyword: Token, stoppingAt clauses: Set<String>) -> [Word]? {
        var names: [Word] = []
        while let token = tokens.first, let text = literal(token), !clauses.contains(text) {
            tokens.removeFirst()
            for name in text.split(separator: ",") {
                guard GroupName.isValid(String(name)) else {
                    diagnostics.append(Diagnostic("'\(name)' is not an analysis name", at: token.range, note: GroupName.rule))
                    return nil
                }
                names.append(Word(String(name), range: token.range))
            }
        }
        guard !names.isEmpty else {
            diagnostics.append(Diagnostic("'analyze' needs the analyses to run", at: keyword.range, note: "e.g. analyze errors, latency"))
            return nil
        }
        return names
    }

    /// Every word left, for lists; nil when one is not a word.
    private mutating func restOfWords() -> [Word]? {
        var words: [Word] = []
        while !tokens.isEmpty {
            guard let word = takeWord() else { return nil }
            words.append(word)
        }
        return words
    }

    // MARK: Helpers

    /// Takes `<key> <word>` from anywhere in the arguments.
    mutating func pair(_ key: String) -> Word? {
        guard let at = tokens.firstIndex(where: { literal($0) == key }) else { return nil }
        let keyToken = tokens.remove(at: at)
        guard at < tokens.count, let word = tokens[at].kind.word else {
            diagnostics.append(Diagnostic("'\(key)' needs a value after it", at: keyToken.range))
            return nil
        }
        tokens.remove(at: at)
        return word
    }

    /// Takes `=`, or says it is missing after the given range.
    mutating func expectEquals(after range: Range<Int>, what: String = "the value path", note: String) -> Bool {
        guard let token = tokens.first, token.kind == .equals else {
            diagnostics.append(Diagnostic("expected '=' after \(what)", at: tokens.first?.range ?? range, note: note))
            return false
        }
        tokens.removeFirst()
        return true
    }

    mutating func requiredWord(_ what: String, example: String) -> Word? {
        guard !tokens.isEmpty else {
            missing(what, example: example)
            return nil
        }
        return takeWord()
    }

    mutating func takeWord() -> Word? {
        let token = tokens.removeFirst()
        guard let word = token.kind.word else {
            diagnostics.append(Diagnostic("unexpected '\(Self.text(of: token.kind))'", at: token.range))
            return nil
        }
        return word
    }

    func literal(_ token: Token) -> String? {
        if case .word(let word) = token.kind { return word.literal }
        return nil
    }

    /// True for a bare word that is exactly `key` (such as `in` or `for`).
    private func isWord(_ token: Token, _ key: ArgumentWord) -> Bool {
        literal(token) == key.rawValue
    }

    mutating func finish(_ kind: StatementKind) -> StatementKind? {
        guard let extra = tokens.first else { return kind }
        unexpected(extra)
        return nil
    }

    mutating func unexpected(_ token: Token) {
        unexpected(Self.text(of: token.kind), at: token.range)
    }

    mutating func unexpected(_ text: String, at range: Range<Int>) {
        diagnostics.append(Diagnostic("unexpected '\(text)' after \(keyword.rawValue)", at: range, note: "usage: \(keyword.syntax)"))
    }

    mutating func missing(_ what: String, example: String) {
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
