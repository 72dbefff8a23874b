public import RolloutSyntax

/// What one measurement says.
public enum Verdict: String, Sendable, Codable {
    /// The condition held.
    case passed
    /// The condition did not hold.
    case failed
    /// Nothing to judge by: no data, or the source could not be asked.
    case inconclusive
}

/// One measurement of an analysis for a release: what was asked (the query or URL with the
/// release's names in it), what came back, and its verdict.
public struct AnalysisMeasurement: Sendable, Equatable, Codable {
    /// The analysis's name.
    public var analysis: String
    /// Where it measured.
    public var source: AnalysisSource
    /// The query or URL as sent.
    public var query: String
    /// The release it measured for, `<cluster>/<namespace>/<release>`.
    public var release: String
    /// What came back: a number, `HTTP 503`, or nil when nothing did.
    public var value: String?
    /// Its verdict.
    public var verdict: Verdict
    /// Why, in words: `0.2 is not < 0.01`, `no data`, the source's error.
    public var reason: String
    /// True for a dry-run analysis, which never fails anything.
    public var dryRun: Bool

    /// A measurement.
    public init(
        analysis: String, source: AnalysisSource, query: String, release: String, value: String?, verdict: Verdict, reason: String,
        dryRun: Bool
    ) {
        self.analysis = analysis
        self.source = source
        self.query = query
        self.release = release
        self.value = value
        self.verdict = verdict
        self.reason = reason
        self.dryRun = dryRun
    }
}

extension AnalysisMeasurement {
    enum CodingKeys: String, CodingKey {
        case analysis, source, query, release, value, verdict, reason, dryRun = "dry_run"
    }
}

/// An analysis's measurements so far, and whether they have failed it: at its failure limit of
/// failed measurements, or at its inconclusive limit of inconclusive ones. A dry-run analysis is
/// tallied the same way; what it would have failed is only reported.
public struct AnalysisTally: Sendable, Equatable {
    /// Measurements that passed, failed and were inconclusive.
    public private(set) var passes = 0, failures = 0, inconclusive = 0
    /// The last measurement.
    public private(set) var last: AnalysisMeasurement?
    /// Why it failed, once it has.
    public private(set) var failure: String?
    /// The failed measurement that fails it.
    public let failureLimit: Int
    /// The inconclusive measurement that fails it.
    public let inconclusiveLimit: Int

    /// A tally with no measurement yet.
    public init(failureLimit: Int, inconclusiveLimit: Int) {
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
    }

    /// Counts a measurement; the reason the analysis fails when this one decides it, else nil.
    /// Measurements after that are not counted.
    public mutating func record(_ measurement: AnalysisMeasurement) -> String? {
        guard failure == nil else { return nil }
        last = measurement
        switch measurement.verdict {
        case .passed:
            passes += 1
        case .failed:
            failures += 1
            if failures >= failureLimit { failure = reason(failures, "failed", measurement) }
        case .inconclusive:
            inconclusive += 1
            if inconclusive >= inconclusiveLimit { failure = reason(inconclusive, "inconclusive", measurement) }
        }
        return failure
    }

    /// `analysis errors failed: 0.2 is not < 0.01 (2 of 3 measurements failed)`.
    private func reason(_ count: Int, _ what: String, _ measurement: AnalysisMeasurement) -> String {
        let total = passes + failures + inconclusive
        let tally = total == 1 ? "its only measurement" : "\(count) of \(total) measurements \(what)"
        return "analysis \(measurement.analysis) failed for \(measurement.release): \(measurement.reason) (\(tally))"
    }

    /// `3 passed, 1 failed`, for boards and summaries.
    public var summary: String {
        var parts = ["\(passes) passed", "\(failures) failed"]
        if inconclusive > 0 { parts.append("\(inconclusive) inconclusive") }
        return parts.joined(separator: ", ")
    }
}
