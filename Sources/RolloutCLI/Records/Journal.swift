import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The record of every change rollout made: one JSON line each (a `JournalEntry`), kept by the
/// state store (`StateStore`: local files or PostgreSQL) and durable before the script goes on.
/// A change's intent (outcome `sending`) is written before it is sent, its result after.
struct Journal: Sendable {
    let store: any StateStore
    let target: String
    /// This run's id, on every line it writes, so a run's changes can be read together.
    private(set) var runID: String
    /// This run's try: 1, then one more for each resume.
    private(set) var attempt: Int

    /// A journal in a store, for changes sent to a target by the run with this id.
    init(store: any StateStore, target: String, runID: String = Journal.newRunID(), attempt: Int = 1) {
        self.store = store
        self.target = target
        self.runID = runID
        self.attempt = attempt
    }

    /// This journal, writing a line of another run's change: the line that settles it keeps the
    /// change's own run and try, so that it closes that change.
    func writing(for run: String, attempt: Int) -> Journal {
        var journal = self
        journal.runID = run
        journal.attempt = attempt
        return journal
    }

    /// A new run id: the time it started and a random tail, e.g. `20261202T011500Z-3f9a1c`.
    static func newRunID(at date: Date = Date()) -> String {
        let stamp = date.formatted(Self.timeFormat).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        return stamp + "-" + String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF))
    }

    /// How times are written: ISO 8601 in UTC to the second (a format style, cheap to use, where a
    /// formatter object costs more to make than the rest of a line).
    static let timeFormat = Date.ISO8601FormatStyle()

    /// A journal line that could not be written: the file and the cause.
    struct WriteFailure: Error, CustomStringConvertible {
        /// The journal's file, or the database.
        var place: String
        var cause: String
        var description: String { "the journal \(place) cannot be written: \(cause)" }
    }

    /// The entry this journal writes for a change.
    func entry(_ record: ChangeRecord, at date: Date = Date()) -> JournalEntry {
        JournalEntry(stamp: stamp(at: date), change: record)
    }

    /// What each line this journal writes says of where it comes from.
    func stamp(at date: Date) -> JournalStamp {
        JournalStamp(time: date.formatted(Self.timeFormat), target: target, run: runID, attempt: attempt, user: Who.user, host: Who.host)
    }

    /// Appends a change and makes it durable; throws when it cannot. A line is kept whole or not at all.
    func append(_ record: ChangeRecord, at date: Date = Date()) async throws(WriteFailure) {
        let entry = entry(record, at: date)
        try await append(entry, entry.stamp, kind: "change", cluster: record.cluster, namespace: record.namespace, release: record.release)
    }

    /// Appends the measurement that decided an analysis, made by a step, as a change is appended.
    func append(_ measurement: AnalysisMeasurement, of step: StepInfo, at date: Date = Date()) async throws(WriteFailure) {
        let entry = AnalysisJournalEntry(stamp: stamp(at: date), measurement: measurement, step: step)
        try await append(entry, entry.stamp, kind: AnalysisJournalEntry.kind, cluster: "", namespace: "", release: measurement.release)
    }

    private func append(
        _ entry: some Encodable, _ stamp: JournalStamp, kind: String, cluster: String, namespace: String, release: String
    ) async throws(WriteFailure) {
        let text: String
        do {
            // A secret value under a name that does not say so is masked too (`SecretValues`).
            text = SecretValues.known.mask(String(decoding: try Self.encoder.encode(entry), as: UTF8.self))
        } catch {
            throw WriteFailure(place: store.place, cause: "the entry cannot be written as JSON: \(error)")
        }
        try await store.append(JournalLine(text: text, stamp: stamp, kind: kind, cluster: cluster, namespace: namespace, release: release))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A line of the journal as written, and what it says: a change, or an analysis's measurement.
    struct Line: Sendable {
        var text: String
        var entry: JournalEntry?
        var analysis: AnalysisJournalEntry?

        /// Reads a line as written; nil when it is neither a change nor an analysis (a line cut short).
        init?(_ text: String) {
            let data = Data(text.utf8)
            self.text = text
            if let entry = try? Journal.decoder.decode(JournalEntry.self, from: data) {
                self.entry = entry
            } else if let analysis = try? Journal.decoder.decode(AnalysisJournalEntry.self, from: data) {
                self.analysis = analysis
            } else {
                return nil
            }
        }

        /// Where it comes from.
        var stamp: JournalStamp? { entry?.stamp ?? analysis?.stamp }
        /// The cluster it is about (none for an analysis).
        var cluster: String { entry?.change.cluster ?? "" }
        /// The release it is about.
        var release: String { entry?.change.release ?? analysis?.measurement.release ?? "" }
    }

    private static let decoder = JSONDecoder()

    /// The changes among lines, oldest first.
    static func entries(of lines: [Line]) -> [JournalEntry] { lines.compactMap(\.entry) }

    /// The last `count` changes among lines, oldest first, each as its last line: its result, or
    /// its intent when no result was written (its outcome is unknown until it is read back).
    static func changes(in lines: [Line], last count: Int) -> [JournalEntry] {
        let entries = entries(of: lines)
        return spans(of: entries).suffix(count).map { entries[$0.last] }
    }

    /// Every line of the last `count` changes as written, oldest first: from the first line of
    /// the oldest of them on, with the analyses' lines among them.
    static func texts(of lines: [Line], lastChanges count: Int) -> [String] {
        let changes = lines.indices.filter { lines[$0].entry != nil }
        guard let oldest = spans(of: changes.compactMap { lines[$0].entry }).suffix(count).first else { return [] }
        return lines[changes[oldest.first]...].map(\.text)
    }

    /// Each change's first and last line, in the order the changes began: an intent and the
    /// result with its key that follows it (written by the same try, or by a resume that read it
    /// back), or a result that had no intent (an upgrade skipped as unchanged).
    static func spans(of entries: [JournalEntry]) -> [(first: Int, last: Int)] {
        var spans: [(first: Int, last: Int)] = []
        var open: [ChangeKey: Int] = [:]
        for (index, entry) in entries.enumerated() {
            if entry.change.outcome != .sending, let span = open.removeValue(forKey: entry.changeKey) {
                spans[span].last = index
            } else {
                if entry.change.outcome == .sending { open[entry.changeKey] = spans.count }
                spans.append((index, index))
            }
        }
        return spans
    }
}
