import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The record of every change rollout made: one JSON line each (a `JournalEntry`) in
/// `$XDG_STATE_HOME/rollout/journal.jsonl`, written and flushed to disk before the script goes on.
/// A change's intent (outcome `sending`) is written before it is sent, its result after.
struct Journal: Sendable {
    let file: URL
    let target: String
    /// This run's id, on every line it writes, so a run's changes can be read together.
    private(set) var runID: String
    /// This run's try: 1, then one more for each resume.
    private(set) var attempt: Int
    /// Who runs it, on every line.
    let user: String
    let host: String

    /// A journal in a file, for changes sent to a target by the run with this id.
    init(file: URL, target: String, runID: String = Journal.newRunID(), attempt: Int = 1) {
        self.file = file
        self.target = target
        self.runID = runID
        self.attempt = attempt
        let environment = ProcessInfo.processInfo.environment
        user = environment["USER"] ?? environment["LOGNAME"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? String(getuid())
        host = ProcessInfo.processInfo.hostName
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
        var file: String
        var cause: String
        var description: String { "the journal \(file) cannot be written: \(cause)" }
    }

    /// The entry this journal writes for a change.
    func entry(_ record: ChangeRecord, at date: Date = Date()) -> JournalEntry {
        JournalEntry(stamp: stamp(at: date), change: record)
    }

    /// What each line this journal writes says of where it comes from.
    func stamp(at date: Date) -> JournalStamp {
        JournalStamp(time: date.formatted(Self.timeFormat), target: target, run: runID, attempt: attempt, user: user, host: host)
    }

    /// Appends a change and flushes it to disk; throws when it cannot. A line is on disk whole or
    /// not at all.
    func append(_ record: ChangeRecord, at date: Date = Date()) throws(WriteFailure) {
        try appendLine(entry(record, at: date))
    }

    /// Appends the measurement that decided an analysis, made by a step, as a change is appended.
    func append(_ measurement: AnalysisMeasurement, of step: StepInfo, at date: Date = Date()) throws(WriteFailure) {
        try appendLine(AnalysisJournalEntry(stamp: stamp(at: date), measurement: measurement, step: step))
    }

    private func appendLine(_ entry: some Encodable) throws(WriteFailure) {
        let line: [UInt8]
        do {
            let text = String(decoding: try Self.encoder.encode(entry), as: UTF8.self)
            // A secret value under a name that does not say so is masked too (`SecretValues`).
            line = Array((SecretValues.known.mask(text) + "\n").utf8)
        } catch {
            throw WriteFailure(file: file.path, cause: "the entry cannot be written as JSON: \(error)")
        }
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteFailure(file: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? FileProblem.cause(of: error))
        }
        // Members of a rollout write side by side, and other processes may write too: each line is
        // written under a lock to a file opened for appending, so lines never interleave.
        let failed: Int32? = Self.lock.withLock { _ in
            let fd = open(file.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return errno }
            defer { close(fd) }
            flock(fd, LOCK_EX)
            defer { flock(fd, LOCK_UN) }
            return Self.appendWhole(line, to: fd)
        }
        if let code = failed {
            throw WriteFailure(file: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? String(cString: strerror(code)))
        }
    }

    /// Writes a line at the end of a file and flushes it; when it cannot be written whole (a full
    /// disk), cuts the file back to where it ended, so no half line is left. The errno, on failure.
    private static func appendWhole(_ line: [UInt8], to fd: Int32) -> Int32? {
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else { return errno }
        var bytes = line
        // A line cut short before (a crash mid-write) gets its own line, and this one starts fresh.
        if end > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, end - 1) == 1, last != UInt8(ascii: "\n") { bytes.insert(UInt8(ascii: "\n"), at: 0) }
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = count < 0 ? errno : ENOSPC
                _ = ftruncate(fd, end)
                return code
            }
            written += count
        }
        guard fsync(fd) == 0 else {
            let code = errno
            _ = ftruncate(fd, end)
            return code
        }
        return nil
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// One writer at a time in this process (`flock` keeps out the others).
    private static let lock = Mutex(())

    /// The nearest existing path above `file` when it is not a folder, which no folder can be made under.
    private static func blockingFile(above file: URL) -> String? {
        var folder = file.deletingLastPathComponent()
        while folder.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? nil : folder.path
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// A line of the journal as written, and what it says: a change, or an analysis's measurement.
    struct Line {
        var text: String
        var entry: JournalEntry?
        var analysis: AnalysisJournalEntry?
    }

    /// Every line of the journal that reads as a change or an analysis, oldest first.
    static func allLines(in file: URL) throws -> [Line] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try String(contentsOf: file, encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { line in
            let data = Data(line.utf8)
            if let entry = try? decoder.decode(JournalEntry.self, from: data) { return Line(text: String(line), entry: entry) }
            if let analysis = try? decoder.decode(AnalysisJournalEntry.self, from: data) { return Line(text: String(line), analysis: analysis) }
            return nil
        }
    }

    /// Every change line of the journal, oldest first.
    static func lines(in file: URL) throws -> [(text: String, entry: JournalEntry)] {
        try allLines(in: file).compactMap { line in line.entry.map { (line.text, $0) } }
    }

    /// Every analysis line of the journal, oldest first.
    static func analyses(in file: URL) throws -> [AnalysisJournalEntry] {
        try allLines(in: file).compactMap(\.analysis)
    }

    /// Every entry of the journal, oldest first.
    static func entries(in file: URL) throws -> [JournalEntry] {
        try lines(in: file).map(\.entry)
    }

    /// The last `count` changes, oldest first, each as its last line: its result, or its intent
    /// when no result was written (its outcome is unknown until it is read back).
    static func changes(in file: URL, last count: Int) throws -> [JournalEntry] {
        let entries = try self.entries(in: file)
        return spans(of: entries).suffix(count).map { entries[$0.last] }
    }

    /// Every line of the last `count` changes as written, oldest first: from the first line of
    /// the oldest of them on, with the analyses' lines among them.
    static func lines(in file: URL, lastChanges count: Int) throws -> [String] {
        let all = try allLines(in: file)
        let changes = all.indices.filter { all[$0].entry != nil }
        guard let oldest = spans(of: changes.map { all[$0].entry! }).suffix(count).first else { return [] }
        return all[changes[oldest.first]...].map(\.text)
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
