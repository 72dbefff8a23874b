import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The record of every change rollout made: one JSON line each in
/// `$XDG_STATE_HOME/rollout/journal.jsonl`, written and flushed to disk before the script goes on.
/// A change's intent (outcome `sending`) is written before it is sent, its result after.
struct Journal: Sendable {
    let file: URL
    let target: String
    /// This run's id, on every line it writes, so a run's changes can be read together.
    let runID: String

    /// A journal in a file, for changes sent to a target by the run with this id.
    init(file: URL, target: String, runID: String = Journal.newRunID()) {
        self.file = file
        self.target = target
        self.runID = runID
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

    /// Appends a change and flushes it to disk; throws when it cannot.
    func append(_ record: ChangeRecord, requestID: String?, at date: Date = Date()) throws(WriteFailure) {
        var object: [String: JSONValue] = [
            "time": .string(date.formatted(Self.timeFormat)), "target": .string(target),
            "cluster": .string(record.cluster), "namespace": .string(record.namespace), "release": .string(record.release),
            "action": .string(record.action.rawValue), "outcome": .string(record.outcome.rawValue),
            "values": record.values.redactingSecrets(),
            "version_before": record.versionBefore.map { .int($0) } ?? .null,
            "version_after": record.versionAfter.map { .int($0) } ?? .null,
            "request_id": requestID.map { .string($0) } ?? .null, "run": .string(runID),
        ]
        if let tag = record.member {
            object["member"] = .string(tag.member.label)
            object["wave"] = .int(tag.wave)
        }
        if let error = record.error { object["error"] = .string(error) }
        if let line = record.line { object["line"] = .int(line) }
        if let column = record.column { object["column"] = .int(column) }
        let line = Array((JSONValue.object(object).jsonText + "\n").utf8)
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteFailure(file: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? Self.cause(of: error))
        }
        // Members of a rollout write side by side, and other runs may write too: each line is one
        // write to a file opened for appending, so lines never interleave or overwrite each other.
        let written: Int32? = Self.lock.withLock { _ in
            let fd = open(file.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return errno }
            defer { close(fd) }
            let count = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count == line.count else { return count < 0 ? errno : EIO }
            return fsync(fd) == 0 ? nil : errno
        }
        if let code = written {
            throw WriteFailure(file: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? String(cString: strerror(code)))
        }
    }

    /// One writer at a time in this process.
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

    /// The results of the last `count` changes, oldest first (the `sending` lines left out).
    static func results(in file: URL, last count: Int) throws -> [JSONValue] {
        Array(try entries(in: file).filter { !isIntent($0) }.suffix(count))
    }

    /// Every line of the last `count` changes as written, oldest first: from the intent of the
    /// oldest of them on (a change still `sending` at the end is among them).
    static func lines(in file: URL, lastChanges count: Int) throws -> [JSONValue] {
        let all = try entries(in: file)
        let results = all.indices.filter { !isIntent(all[$0]) }
        guard results.count > count else { return all }
        let oldest = all[results[results.count - count]]
        let intent = all[..<results[results.count - count]].lastIndex {
            isIntent($0) && $0["release"] == oldest["release"] && $0["action"] == oldest["action"]
        }
        return Array(all[(intent ?? results[results.count - count])...])
    }

    private static func isIntent(_ entry: JSONValue) -> Bool {
        entry["outcome"]?.scalarText == ChangeOutcome.sending.rawValue
    }

    /// Every line of the journal, oldest first.
    static func entries(in file: URL) throws -> [JSONValue] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
    }

    /// The reason a file operation failed, in a few words.
    private static func cause(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        return nsError.localizedDescription
    }
}
