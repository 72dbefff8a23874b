import AutopilotModels
import RolloutSyntax

/// An analysis as a run holds it once defined: its options read by `AnalysisRules`, its query
/// still to be written for each release it measures.
struct AnalysisDefinition: Sendable {
    let name: String
    let spec: AnalysisSpec
    let interval: Duration
    let timeout: Duration
    let failureLimit: Int
    let inconclusiveLimit: Int
    /// A metric's condition, its bounds read.
    let condition: Condition?
    /// A probe's method and expected status.
    let method: String
    let status: Int?

    /// What a metric's number must be.
    enum Condition: Sendable {
        case compare(Comparison, Double)
        case between(Double, Double)

        func holds(_ value: Double) -> Bool {
            switch self {
            case .compare(let comparison, let bound): return comparison.relates(value, bound)
            case .between(let low, let high): return low <= value && value <= high
            }
        }

        /// `< 0.01`, `between 0.9 and 1.1`.
        var text: String {
            switch self {
            case .compare(let comparison, let bound): return "\(comparison.rawValue) \(Self.number(bound))"
            case .between(let low, let high): return "between \(Self.number(low)) and \(Self.number(high))"
            }
        }

        /// A number as a person reads it: `0.01`, `5` (not `5.0`), `0.03136` (four significant digits).
        static func number(_ value: Double) -> String {
            guard value.isFinite else { return String(value) }
            if (value == value.rounded() || abs(value) >= 1000) && abs(value) < 1e15 { return String(Int(value.rounded())) }
            // Scaled by an exact power of ten, rounded, and scaled back, the shortest form prints.
            var scale = 1.0
            while abs(value) * scale < 1000 && scale < 1e20 { scale *= 10 }
            return String((value * scale).rounded() / scale)
        }
    }

    /// Reads a spec's options with `expand` (the run's variables), by the rules the checker uses.
    init(name: String, spec: AnalysisSpec, expand: (Word) throws(StepFailure) -> String) throws(StepFailure) {
        func read<T>(_ word: Word?, _ rule: (String) throws(ClauseProblem) -> T) throws(StepFailure) -> T? {
            guard let word else { return nil }
            let text = try expand(word)
            do { return try rule(text) } catch { throw StepFailure(.invalid, "analysis \(name): \(error.message)") }
        }
        self.name = name
        self.spec = spec
        interval = try read(spec.values[.every] ?? Word(AnalysisDefaults.every)) { (t) throws(ClauseProblem) in try AnalysisRules.duration(.every, t) }!
        timeout = try read(spec.values[.timeout] ?? Word(AnalysisDefaults.timeout)) { (t) throws(ClauseProblem) in try AnalysisRules.duration(.timeout, t) }!
        failureLimit = try read(spec.values[.failures]) { (t) throws(ClauseProblem) in try AnalysisRules.limit(.failures, t) } ?? 1
        inconclusiveLimit = try read(spec.values[.inconclusive]) { (t) throws(ClauseProblem) in try AnalysisRules.limit(.inconclusive, t) } ?? 1
        let number = { (t: String) throws(ClauseProblem) -> Double in try AnalysisRules.number(t) }
        switch spec.condition {
        case .compare(let comparison, let bound): condition = .compare(comparison, try read(bound, number)!)
        case .between(let low, let high): condition = .between(try read(low, number)!, try read(high, number)!)
        case nil: condition = nil
        }
        method = try spec.method.map { (word) throws(StepFailure) in try expand(word) } ?? "GET"
        status = try read(spec.status) { (t) throws(ClauseProblem) in try AnalysisRules.status(t) }
    }

    /// A tally with no measurement yet, failing at this analysis's limits.
    var tally: AnalysisTally { AnalysisTally(failureLimit: failureLimit, inconclusiveLimit: inconclusiveLimit) }

    /// The window a rollout's analyses run for when it has no soak: long enough for the slowest of
    /// them to fail by its limits.
    static func window(of analyses: [AnalysisDefinition]) -> Duration {
        analyses.map { $0.interval * max($0.failureLimit, $0.inconclusiveLimit) }.max() ?? .zero
    }

    /// What it asks, for plans and messages: `prometheus "<query>" < 0.01`, `GET <url> expect 200`.
    func asking(_ query: String) -> String {
        switch spec.source {
        case .http: return "\(method) \(query) expect \(status ?? 200)"
        case .prometheus, .aom: return "\(spec.source.rawValue) \"\(query)\" \(condition?.text ?? "")"
        }
    }
}

/// One analysis written for one release: the query (or URL) and body check with the release's
/// names in them, ready to measure again and again.
struct AnalysisProbe: Sendable {
    let definition: AnalysisDefinition
    /// The query or URL as sent.
    let query: String
    /// A probe's body check, its text written.
    let body: BodyCheck?
    /// The release, `<cluster>/<namespace>/<release>`.
    let release: String

    enum BodyCheck: Sendable {
        case contains(String)
        case json(path: String, Comparison, String)
    }

    /// Measures once. It never throws: a source that cannot answer makes the measurement
    /// inconclusive, with the source's own words as the reason.
    func measure(with sources: AnalysisSources) async -> AnalysisMeasurement {
        let definition = definition
        func measurement(_ value: String?, _ verdict: Verdict, _ reason: String) -> AnalysisMeasurement {
            AnalysisMeasurement(
                analysis: definition.name, source: definition.spec.source, query: query, release: release, value: value, verdict: verdict,
                reason: reason, dryRun: definition.spec.dryRun)
        }
        do {
            switch definition.spec.source {
            case .prometheus, .aom:
                guard let source = definition.spec.source == .aom ? sources.aom : sources.prometheus else {
                    return measurement(nil, .inconclusive, Self.unnamed(definition.spec.source))
                }
                let answer = try await withTimeLimit(definition.timeout) { try await source.query(query) }
                return read(answer, measurement)
            case .http:
                guard let probe = sources.probe else { return measurement(nil, .inconclusive, "no HTTP client to send probes") }
                let answer = try await probe.probe(definition.method, query, timeout: definition.timeout)
                return read(answer, measurement)
            }
        } catch {
            return measurement(nil, .inconclusive, AutopilotError.sentence(of: error))
        }
    }

    /// Why a source cannot be asked, and how to name it.
    static func unnamed(_ source: AnalysisSource) -> String {
        switch source {
        case .prometheus: return "no Prometheus server is named: pass --prometheus URL, or set prometheus in the profile"
        case .aom: return "AOM is not available on this target: name a region and a project, or use the embedded emulator"
        case .http: return "no HTTP client to send probes"
        }
    }

    private func read(_ answer: MetricAnswer, _ measurement: (String?, Verdict, String) -> AnalysisMeasurement) -> AnalysisMeasurement {
        guard let condition = definition.condition else { return measurement(nil, .inconclusive, "the analysis has no condition") }
        switch answer {
        case .value(let value):
            let text = Condition.number(value)
            let holds = condition.holds(value)
            return measurement(text, holds ? .passed : .failed, holds ? "\(text) is \(condition.text)" : "\(text) is not \(condition.text)")
        case .noData where definition.spec.noDataOK:
            return measurement(nil, .passed, "no data (no-data ok)")
        case .noData:
            return measurement(nil, .inconclusive, "no data: the query found no series (no-data ok would pass it)")
        case .series(let series):
            return measurement(
                nil, .inconclusive, "the query gives \(series.count) series, and an analysis needs one number: aggregate them (sum, max, avg)")
        }
    }

    private func read(_ answer: ProbeAnswer, _ measurement: (String?, Verdict, String) -> AnalysisMeasurement) -> AnalysisMeasurement {
        let value = "HTTP \(answer.status)"
        let expected = definition.status ?? 200
        guard answer.status == expected else { return measurement(value, .failed, "\(value), not the expected \(expected)") }
        switch body {
        case .contains(let text) where !answer.body.contains(text):
            return measurement(value, .failed, "\(value), and the body does not contain \"\(text)\"")
        case .json(let path, let comparison, let expectedValue):
            guard let json = try? JSONValue.parse(answer.body) else { return measurement(value, .failed, "\(value), and the body is not JSON") }
            guard let actual = json[path: path]?.scalarText else { return measurement(value, .failed, "\(value), and the JSON has no \(path)") }
            let holds = Double(actual).flatMap { a in Double(expectedValue).map { comparison.relates(a, $0) } } ?? comparison.holds(actual, expectedValue)
            let relation = "\(path) is \(actual)"
            return measurement(
                value, holds ? .passed : .failed,
                holds ? "\(value), \(relation)" : "\(value), and \(relation), not \(comparison.rawValue) \(expectedValue)")
        default:
            return measurement(value, .passed, value)
        }
    }

    typealias Condition = AnalysisDefinition.Condition
}
