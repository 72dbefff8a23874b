import AutopilotModels

extension ArgumentReader {
    /// `analysis NAME = prometheus|aom "<query>" <condition> [options]` or
    /// `analysis NAME = http [<METHOD>] "<url>" expect <status> [contains "<text>"] [json <path> <op> <value>] [options]`.
    mutating func analysis() -> StatementKind? {
        guard let (name, source) = nameAndSource("an analysis name", AnalysisSource.self) else { return nil }
        let spec = source.takesQuery ? metric(source) : probe()
        guard var spec, readOptions(into: &spec) else { return nil }
        return .analysis(name: name, spec: spec)
    }

    /// A query and its condition.
    private mutating func metric(_ source: AnalysisSource) -> AnalysisSpec? {
        let example = "\(source.rawValue) \"sum(rate(http_requests_total{release='${RELEASE}',code=~'5..'}[1m]))\" < 0.5"
        guard let query = requiredWord("query", example: example) else { return nil }
        guard let first = tokens.first else {
            missing("condition after the query", example: example)
            return nil
        }
        if case .comparison(let comparison) = first.kind {
            tokens.removeFirst()
            guard let bound = requiredWord("number after '\(comparison.rawValue)'", example: example) else { return nil }
            return AnalysisSpec(source: source, query: query, condition: .compare(comparison, bound))
        }
        guard literal(first) == ProbeWord.between.rawValue else {
            let note = literal(first).flatMap { Suggest.closest(to: $0, in: [ProbeWord.between.rawValue]) }.map(Suggest.didYouMean)
                ?? "a comparison (\(Comparison.allCases.map(\.rawValue).joined(separator: " "))) and a number, or between <low> and <high>"
            diagnostics.append(Diagnostic("expected a condition after the query", at: first.range, note: note))
            return nil
        }
        tokens.removeFirst()
        guard tokens.count >= 3, let low = tokens[0].kind.word, literal(tokens[1]) == ProbeWord.and.rawValue, let high = tokens[2].kind.word else {
            diagnostics.append(Diagnostic("'between' is written 'between <low> and <high>'", at: first.range, note: "e.g. between 0.9 and 1.1"))
            return nil
        }
        tokens.removeFirst(3)
        return AnalysisSpec(source: source, query: query, condition: .between(low, high))
    }

    /// A probe: its method, URL, expected status and body check.
    private mutating func probe() -> AnalysisSpec? {
        let example = "http GET \"http://localhost:8080/healthz\" expect 200"
        var method: Word?
        if let first = tokens.first, let text = literal(first), AnalysisRules.methods.contains(text), tokens.count > 1 {
            method = first.kind.word
            tokens.removeFirst()
        }
        guard let url = requiredWord("URL", example: example) else { return nil }
        guard let expect = tokens.first, literal(expect) == ProbeWord.expect.rawValue else {
            diagnostics.append(
                Diagnostic("a probe needs 'expect <status>' after its URL", at: tokens.first?.range ?? url.range, note: "e.g. \(example)"))
            return nil
        }
        tokens.removeFirst()
        guard let status = requiredWord("status after 'expect'", example: example) else { return nil }
        var spec = AnalysisSpec(source: .http, query: url, method: method, status: status)
        guard let next = tokens.first, let word = literal(next), let check = ProbeWord(rawValue: word), [.contains, .json].contains(check) else {
            return spec
        }
        tokens.removeFirst()
        if check == .contains {
            guard let text = requiredWord("text after 'contains'", example: "contains \"ok\"") else { return nil }
            spec.body = .contains(text)
            return spec
        }
        guard tokens.count >= 3, let path = tokens[0].kind.word, case .comparison(let comparison) = tokens[1].kind, let value = tokens[2].kind.word else {
            diagnostics.append(Diagnostic("'json' is written 'json <path> <op> <value>'", at: next.range, note: "e.g. json status == ok"))
            return nil
        }
        tokens.removeFirst(3)
        spec.body = .json(path: path, comparison, value)
        return spec
    }

    /// The options after the condition, in any order, each once; false after a diagnostic.
    private mutating func readOptions(into spec: inout AnalysisSpec) -> Bool {
        var seen: Set<AnalysisOption> = []
        let names = AnalysisOption.allCases.map(\.rawValue)
        while !tokens.isEmpty {
            guard let (option, token) = nextWord(AnalysisOption.self, seen: &seen, in: "the analysis", listing: "options: \(names.joined(separator: ", "))")
            else { return false }
            let text = option.rawValue
            switch option {
            case .dryRun: spec.dryRun = true
            case .noData:
                guard tokens.first.flatMap(literal) == "ok" else {
                    diagnostics.append(Diagnostic("'no-data' is written '\(option.syntax)'", at: token.range, note: option.summary))
                    return false
                }
                tokens.removeFirst()
                spec.noDataOK = true
            default:
                guard let word = requiredWord("value after '\(text)'", example: option.syntax) else { return false }
                spec.values[option] = word
            }
        }
        return true
    }
}
