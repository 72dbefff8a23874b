import Foundation
import RolloutRuntime
import Synchronization

/// The state in local files, the default: the journal in `$XDG_STATE_HOME/rollout/journal.jsonl`
/// (one JSON line each, appended under `flock` and flushed with `fsync`), a JSON file per run in
/// `runs/`, and a run held with `flock` on its `.lock` file, which the kernel lets go when the
/// process dies.
struct FileStore: StateStore {
    let journalFile: URL
    let folder: URL

    /// The store under a state directory.
    init(_ paths: Paths = Paths()) {
        self.init(journal: paths.journalFile)
    }

    /// The store of a journal file, with the runs in the folder beside it.
    init(journal: URL) {
        journalFile = journal
        folder = journal.deletingLastPathComponent().appendingPathComponent("runs")
    }

    var place: String { journalFile.deletingLastPathComponent().path }

    // MARK: The journal

    func append(_ line: JournalLine) async throws(Journal.WriteFailure) {
        let file = journalFile
        let bytes = Array((line.text + "\n").utf8)
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Journal.WriteFailure(
                place: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? FileProblem.cause(of: error))
        }
        // Members of a rollout write side by side, and other processes may write too: each line is
        // written under a lock to a file opened for appending, so lines never interleave.
        let failed: Int32? = Self.lock.withLock { _ in
            let fd = open(file.path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return errno }
            defer { Glibc.close(fd) }
            flock(fd, LOCK_EX)
            defer { flock(fd, LOCK_UN) }
            return Self.appendWhole(bytes, to: fd)
        }
        if let code = failed {
            throw Journal.WriteFailure(
                place: file.path, cause: Self.blockingFile(above: file).map { "\($0) is a file, not a folder" } ?? String(cString: strerror(code)))
        }
    }

    func journal(_ filter: JournalFilter) async throws -> [Journal.Line] {
        guard FileManager.default.fileExists(atPath: journalFile.path) else { return [] }
        let text = try String(contentsOf: journalFile, encoding: .utf8)
        return text.split(separator: "\n").compactMap { Journal.Line(String($0)) }.filter { filter.takes($0) }
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

    // MARK: Run records

    private func file(_ id: String) -> URL { folder.appendingPathComponent("\(id).json") }

    private func lockFile(_ id: String) -> String { folder.appendingPathComponent("\(id).lock").path }

    private func textFile(_ id: String) -> URL { folder.appendingPathComponent("\(id).rollout") }

    /// Makes the folder, readable by the owner only.
    private func ensureFolder() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func save(_ record: RunRecord) async throws {
        try ensureFolder()
        let temporary = folder.appendingPathComponent(".\(record.id).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: try RunRecord.encoder.encode(record), attributes: [.posixPermissions: 0o600])
        else { throw CLIError("cannot write the run record \(temporary.path)") }
        guard rename(temporary.path, file(record.id).path) == 0 else {
            throw CLIError("cannot write the run record \(file(record.id).path): \(String(cString: strerror(errno)))")
        }
    }

    /// A script file stays where it is; statements from `-c` or stdin are kept beside the record,
    /// readable by the owner only.
    func keep(text: String, of id: String, at path: String?) async throws -> String {
        if let path { return path }
        try ensureFolder()
        let kept = textFile(id).path
        guard FileManager.default.createFile(atPath: kept, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError("cannot write \(kept)")
        }
        return kept
    }

    /// Nothing but the files: a script file is read where it is.
    func keptText(of id: String) async throws -> String? { nil }

    func record(_ id: String) async throws -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: file(id).path) else { return nil }
        return try? JSONDecoder().decode(RunRecord.self, from: data)
    }

    /// Every record, oldest first (ids start with the time).
    func records() async throws -> [RunRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var found: [RunRecord] = []
        for name in names.filter({ $0.hasSuffix(".json") }).sorted() {
            if let record = try await record(String(name.dropLast(5))) { found.append(record) }
        }
        return found
    }

    func prune(keeping count: Int) async {
        let over = ((try? await records()) ?? []).filter { $0.state.isOver }
        for record in over.dropLast(count) where !held(record.id) {
            try? FileManager.default.removeItem(at: file(record.id))
            try? FileManager.default.removeItem(at: textFile(record.id))
            try? FileManager.default.removeItem(atPath: lockFile(record.id))
        }
    }

    func hold(_ id: String, by holder: Holder) async throws -> (any RunHold)? {
        try ensureFolder()
        let fd = open(lockFile(id), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot open the lock of run \(id): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return nil
        }
        return FileHold(fd: fd)
    }

    func isHeld(_ id: String) async throws -> Bool { held(id) }

    private func held(_ id: String) -> Bool {
        let fd = open(lockFile(id), O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    func close() async {}
}

/// A run held with `flock` on an open file: let go when it is closed, or the process ends.
final class FileHold: RunHold {
    private let fd: Mutex<Int32>
    init(fd: Int32) { self.fd = Mutex(fd) }

    func release() async { letGo() }

    private func letGo() {
        fd.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    deinit { letGo() }
}
