import Foundation
import RolloutRuntime
import Synchronization

/// The state in local files, the default: the journal in `$XDG_STATE_HOME/rollout/journal.jsonl`
/// (one JSON line each, appended under `flock` and flushed with `fsync`), a JSON file per run in
/// `runs/`, a run held with `flock` on its `.lock` file, and a lease on a release with `flock` on a
/// file in `locks/` named by the key's hash, which holds its holder. The kernel lets a lock go when
/// its process dies, so a lease here ends with its holder, between the processes of one machine.
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

    /// The lines that read as a change or an analysis; a line cut short or garbled is passed over.
    func journal(_ filter: JournalFilter) async throws -> [Journal.Line] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: journalFile.path, isDirectory: &isFolder) else { return [] }
        guard !isFolder.boolValue else { throw CLIError("cannot read the journal \(journalFile.path): it is a folder, not a file") }
        let data: Data
        do { data = try Data(contentsOf: journalFile) } catch {
            throw CLIError("cannot read the journal \(journalFile.path): \(FileProblem.cause(of: error))")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { Journal.Line(String($0)) }.filter { filter.takes($0) }
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

    /// Makes the folder, readable by the owner only; says why it cannot be made.
    private func ensureFolder() throws {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            let cause = Self.blockingFile(above: folder.appendingPathComponent("x")).map { "\($0) is a file, not a folder" } ?? FileProblem.cause(of: error)
            throw CLIError("the state folder \(folder.path) cannot be made: \(cause)")
        }
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
        return FileHold(fd: fd, locks: locksFolder)
    }

    /// Where leases on releases are.
    var locksFolder: URL { journalFile.deletingLastPathComponent().appendingPathComponent("locks") }

    func leases(of run: String) async throws -> [Lease] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: locksFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".lock") }.compactMap { name in
            let path = locksFolder.appendingPathComponent(name).path
            guard FileHold.isLocked(path), let lease = FileHold.lease(at: path), lease.holder.run == run else { return nil }
            return lease
        }
    }

    /// A lock here ends with its process: a dead run holds none, and a live one's cannot be taken.
    func unlock(_ run: String) async throws {
        let held = try await leases(of: run)
        guard held.isEmpty else {
            throw CLIError("run \(run) is alive (\(held[0].holder.description)) and holds \(held.count) lease(s); stop it first", exitCode: 2)
        }
    }

    func isHeld(_ id: String) async throws -> Bool { held(id) }

    private func held(_ id: String) -> Bool { FileHold.isLocked(lockFile(id)) }

    func close() async {}
}

/// A run held with `flock` on an open file, and its leases, each `flock` on a file of its own that
/// names its holder: let go when they are closed, or the process ends.
final class FileHold: RunHold {
    private struct Held {
        var run: Int32
        var leases: [String: Int32] = [:]
    }

    private let held: Mutex<Held>
    private let locks: URL

    init(fd: Int32, locks: URL) {
        held = Mutex(Held(run: fd))
        self.locks = locks
    }

    /// The file of a key's lease: its hash, since a key may hold any character.
    private func file(_ key: String) -> String {
        locks.appendingPathComponent(RunRecord.hash(of: Array(key.utf8)).prefix(32) + ".lock").path
    }

    func take(_ keys: [String], as holder: Holder) async throws -> Lease? {
        try FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for key in keys {
            if held.withLock({ $0.leases[key] != nil }) { continue }
            let path = file(key)
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CLIError("cannot open the lock \(path): \(String(cString: strerror(errno)))") }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                Glibc.close(fd)
                // Its holder may be writing its name still: one that cannot be read yet is unnamed.
                return Self.lease(at: path) ?? Lease(key: key, holder: .unnamed, expires: nil)
            }
            let text = Array((try JSONEncoder().encode(LeaseFile(key: key, holder: holder))))
            _ = ftruncate(fd, 0)
            _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            held.withLock { $0.leases[key] = fd }
        }
        return nil
    }

    func releaseLeases() async {
        let fds = held.withLock { held in
            defer { held.leases = [:] }
            return Array(held.leases.values)
        }
        for fd in fds { Glibc.close(fd) }
    }

    func release() async {
        await releaseLeases()
        letGo()
    }

    private func letGo() {
        held.withLock { held in
            if held.run >= 0 { Glibc.close(held.run) }
            for fd in held.leases.values { Glibc.close(fd) }
            held = Held(run: -1)
        }
    }

    deinit { letGo() }

    /// What a lease file says: its key and holder.
    private struct LeaseFile: Codable {
        var key: String
        var holder: Holder
    }

    /// The lease a file names; nil when it names none.
    static func lease(at path: String) -> Lease? {
        guard let data = FileManager.default.contents(atPath: path), let file = try? JSONDecoder().decode(LeaseFile.self, from: data) else { return nil }
        return Lease(key: file.key, holder: file.holder, expires: nil)
    }

    /// True while some process holds the file's lock.
    static func isLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }
}
