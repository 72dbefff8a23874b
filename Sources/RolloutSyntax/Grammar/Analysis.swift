/// Where an analysis measures: the word after `analysis NAME =`.
public enum AnalysisSource: String, Sendable, CaseIterable, Codable {
    /// `prometheus "<PromQL>"`: the Prometheus server the command line or the profile names.
    case prometheus
    /// `aom "<PromQL>"`: AOM's Prometheus-compatible query API in the target's region, signed as
    /// the release calls are.
    case aom
    /// `http [<METHOD>] "<url>" expect <status>`: a request whose answer must match.
    case http

    /// True for the sources asked a PromQL query.
    public var takesQuery: Bool { self != .http }

    /// How it is written, for help.
    public var syntax: String {
        switch self {
        case .prometheus, .aom: return "\(rawValue) \"<PromQL>\" <op> <number> | \(rawValue) \"<PromQL>\" between <low> and <high>"
        case .http:
            return "http [<METHOD>] \"<url>\" expect <status> [\(ProbeWord.contains.rawValue) \"<text>\"] [\(ProbeWord.json.rawValue) <path> <op> <value>]"
        }
    }
}

/// The words of an analysis's condition and probe.
public enum ProbeWord: String, Sendable, CaseIterable {
    /// `between <low> and <high>`: a closed range.
    case between
    /// The word between a range's ends.
    case and
    /// `expect <status>`: the status a probe's answer must have.
    case expect
    /// `contains "<text>"`: text the probe's answer body must hold.
    case contains
    /// `json <path> <op> <value>`: a field of the probe's JSON answer, by dotted path.
    case json
}

/// The options after an analysis's condition, in the order they are printed.
public enum AnalysisOption: String, Sendable, CaseIterable {
    case every, failures, inconclusive, timeout
    case dryRun = "dry-run"
    case noData = "no-data"

    /// How it is written, for help.
    public var syntax: String {
        switch self {
        case .every: return "every <d>"
        case .failures: return "failures <n>"
        case .inconclusive: return "inconclusive <n>"
        case .timeout: return "timeout <d>"
        case .dryRun: return "dry-run"
        case .noData: return "no-data ok"
        }
    }

    /// What it means, in a line.
    public var summary: String {
        switch self {
        case .every: return "how often it measures while it runs (default \(AnalysisDefaults.every))"
        case .failures: return "the failed measurement that fails it: the first by default"
        case .inconclusive: return "the inconclusive measurement (no data, an error) that fails it: the first by default"
        case .timeout: return "how long one measurement may take (default \(AnalysisDefaults.timeout))"
        case .dryRun: return "measure and record, but never fail anything"
        case .noData: return "a query that finds no data passes (by default no data is inconclusive)"
        }
    }

    /// True for an option written with a value after it.
    public var takesValue: Bool { [.every, .failures, .inconclusive, .timeout].contains(self) }
}

/// What an analysis takes when its options do not say.
public enum AnalysisDefaults {
    public static let every = "30s"
    public static let timeout = "10s"
}

/// What a query's number must be to pass.
public enum AnalysisCondition: Sendable, Equatable {
    /// `<op> <number>`.
    case compare(Comparison, Word)
    /// `between <low> and <high>`, both ends included.
    case between(Word, Word)

    /// Its words, in order.
    public var words: [Word] {
        switch self {
        case .compare(_, let word): return [word]
        case .between(let low, let high): return [low, high]
        }
    }
}

/// What a probe's answer body must hold, besides its status.
public enum ProbeCheck: Sendable, Equatable {
    /// `contains "<text>"`.
    case contains(Word)
    /// `json <path> <op> <value>`.
    case json(path: Word, Comparison, Word)
}

/// `analysis NAME = ...`: what to measure and when it passes.
public struct AnalysisSpec: Sendable, Equatable {
    /// Where it measures.
    public var source: AnalysisSource
    /// The PromQL query, or a probe's URL; `${CLUSTER}`, `${NAMESPACE}` and `${RELEASE}` name
    /// the release it runs for.
    public var query: Word
    /// A metric's condition.
    public var condition: AnalysisCondition?
    /// A probe's method, when written.
    public var method: Word?
    /// A probe's expected status.
    public var status: Word?
    /// A probe's body check.
    public var body: ProbeCheck?
    /// The options with values, by option.
    public var values: [AnalysisOption: Word]
    /// `dry-run`.
    public var dryRun: Bool
    /// `no-data ok`.
    public var noDataOK: Bool

    /// A spec.
    public init(
        source: AnalysisSource, query: Word, condition: AnalysisCondition? = nil, method: Word? = nil, status: Word? = nil,
        body: ProbeCheck? = nil, values: [AnalysisOption: Word] = [:], dryRun: Bool = false, noDataOK: Bool = false
    ) {
        self.source = source
        self.query = query
        self.condition = condition
        self.method = method
        self.status = status
        self.body = body
        self.values = values
        self.dryRun = dryRun
        self.noDataOK = noDataOK
    }

    /// Its words, in order.
    public var words: [Word] {
        var words = [method, query].compactMap { $0 } + (condition?.words ?? []) + [status].compactMap { $0 }
        switch body {
        case .contains(let text): words.append(text)
        case .json(let path, _, let value): words += [path, value]
        case nil: break
        }
        return words + AnalysisOption.allCases.compactMap { values[$0] }
    }

    /// The words that the run expands for each release it measures for, not where it is defined.
    public var perReleaseWords: [Word] {
        var words = [query]
        if case .contains(let text) = body { words.append(text) }
        if case .json(_, _, let value) = body { words.append(value) }
        return words
    }
}

/// The rules of an analysis's values, for the checker (with what is known before the run) and for
/// the run (with the values expanded): one rule, one message.
public enum AnalysisRules {
    /// The methods a probe may send.
    public static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// A condition's bound: a number.
    public static func number(_ text: String) throws(ClauseProblem) -> Double {
        guard let value = Double(text), value.isFinite else { throw ClauseProblem(message: "'\(text)' is not a number") }
        return value
    }

    /// `failures <n>`, `inconclusive <n>`: a whole number from 1.
    public static func limit(_ option: AnalysisOption, _ text: String) throws(ClauseProblem) -> Int {
        guard let n = Int(text), n >= 1 else {
            throw ClauseProblem(message: "\(option.rawValue) needs a whole number of measurements from 1, not '\(text)'")
        }
        return n
    }

    /// `every <d>` and `timeout <d>`: a duration above zero.
    public static func duration(_ option: AnalysisOption, _ text: String) throws(ClauseProblem) -> Duration {
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw ClauseProblem(message: "\(option.rawValue) needs a duration above zero such as 10s or 1m, not '\(text)'")
        }
        return duration
    }

    /// `expect <status>`: an HTTP status from 100 to 599.
    public static func status(_ text: String) throws(ClauseProblem) -> Int {
        guard let status = Int(text), (100...599).contains(status) else {
            throw ClauseProblem(message: "expect needs an HTTP status from 100 to 599, not '\(text)'")
        }
        return status
    }

    /// A probe's URL: http or https, with a host.
    public static func url(_ text: String) throws(ClauseProblem) {
        let lower = text.lowercased()
        let rest = lower.hasPrefix("http://") ? lower.dropFirst(7) : lower.hasPrefix("https://") ? lower.dropFirst(8) : nil
        guard let rest, let host = rest.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty else {
            throw ClauseProblem(message: "'\(text)' is not an http or https URL")
        }
    }

    /// A query: not blank.
    public static func query(_ text: String) throws(ClauseProblem) {
        if text.allSatisfy(\.isWhitespace) { throw ClauseProblem(message: "the query is empty") }
    }
}
