import AutopilotClient
import Foundation
import RolloutLanguage

/// The record of every change rollout made: one JSON line a change in
/// `$XDG_STATE_HOME/rollout/journal.jsonl`, written and flushed to disk before the script goes on.
struct Journal: Sendable {
    let file: URL
    let target: String

    /// Appends a change; throws when the journal cannot be written (the run stops then).
    func append(_ record: ChangeRecord, requestID: String?, at date: Date = Date()) throws {
        var object: [String: JSONValue] = [
            "time": .string(ISO8601DateFormatter().string(from: date)), "target": .string(target),
            "cluster": .string(record.cluster), "namespace": .string(record.namespace), "release": .string(record.release),
            "action": .string(record.action), "outcome": .string(record.outcome), "values": record.values.redactingSecrets(),
            "version_before": record.versionBefore.map { .int($0) } ?? .null,
            "version_after": record.versionAfter.map { .int($0) } ?? .null,
            "request_id": requestID.map { .string($0) } ?? .null,
        ]
        if let error = record.error { object["error"] = .string(error) }
        let line = Data((JSONValue.object(object).jsonText + "\n").utf8)
        try Paths.ensureStateDirectory()
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
        try handle.synchronize()
    }

    /// The last `count` entries, oldest first.
    static func entries(in file: URL, last count: Int) throws -> [JSONValue] {
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").suffix(count).compactMap { try? JSONValue.parse(String($0)) }
    }
}
