import Foundation
import RolloutRuntime
import Synchronization

/// The state in local files, the default: the journal in `$XDG_STATE_HOME/rollout/journal.jsonl`
/// (one JSON line each, appended under `flock` and flushed with `fsync`), a JSON file per run in
/// `runs/`, a run held with `flock` on its `.lock` file, and leases on releases as locks in
/// `locks/` (`FileHold`). The kernel lets a lock go when its process dies, so a lease here ends
/// with its holder, between the processes of one machine.
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
        if let cause = Self.makeFolder(file.deletingLastPathComponent()) { throw Journal.WriteFailure(place: file.path, cause: cause) }
        if let code = Self.append(bytes, to: file.path) {
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
        // Each line is let go of as soon as the filter passes it by, so a long journal read for a few
        // lines costs the memory of those lines, not of every line decoded.
        var taken: [Journal.Line] = []
        for text in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if let line = Journal.Line(String(text)), filter.takes(line) { taken.append(line) }
        }
        return taken
    }

    /// Appends a line to a file and flushes it; the errno when it cannot. Members of a rollout write
    /// side by side, and other processes may write too: each line is written under a lock to a file
    /// opened for appending, so lines never interleave.
    private static func append(_ bytes: [UInt8], to path: String) -> Int32? {
        lock.withLock { _ in
            let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return errno }
            defer { Glibc.close(fd) }
            flock(fd, LOCK_EX)
            defer { flock(fd, LOCK_UN) }
            return appendWhole(bytes, to: fd)
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

    /// One writer at a time in this process (`flock` keeps out the others).
    private static let lock = Mutex(())

    /// Makes a folder readable by the owner only; why it cannot be made, or nil once it is there.
    static func makeFolder(_ folder: URL) -> String? {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return nil
        } catch {
            return blockingFile(above: folder.appendingPathComponent("x")).map { "\($0) is a file, not a folder" } ?? FileProblem.cause(of: error)
        }
    }

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
        if let cause = Self.makeFolder(folder) { throw CLIError("the state folder \(folder.path) cannot be made: \(cause)") }
    }

    private func viewFile(_ id: String) -> URL { folder.appendingPathComponent("\(id).view.json") }

    func save(_ record: RunRecord) async throws {
        try writeWhole(try RunRecord.encoder.encode(record), to: file(record.id), what: "the run record")
    }

    /// Writes a file whole, readable by the owner only: a new file renamed over the old, so a
    /// reader finds the old one or the new one, never a part.
    private func writeWhole(_ data: Data, to target: URL, what: String) throws {
        try ensureFolder()
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw CLIError("cannot write \(what) \(temporary.path)") }
        guard rename(temporary.path, target.path) == 0 else {
            throw CLIError("cannot write \(what) \(target.path): \(String(cString: strerror(errno)))")
        }
    }

    func publish(_ view: RunView, of run: String) async throws {
        try writeWhole(try JSONEncoder().encode(view), to: viewFile(run), what: "the view of run \(run)")
    }

    func view(of run: String) async throws -> RunView? {
        guard let data = FileManager.default.contents(atPath: viewFile(run).path) else { return nil }
        return try? JSONDecoder().decode(RunView.self, from: data)
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
            try? FileManager.default.removeItem(at: viewFile(record.id))
            try? FileManager.default.removeItem(atPath: requestsFile(record.id))
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
        FileHold.leases(in: locksFolder).filter { $0.holder.run == run }
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

    // MARK: Requests

    private func requestsFile(_ id: String) -> String { folder.appendingPathComponent("\(id).requests.jsonl").path }

    func send(_ request: RunRequest, to run: String) async throws {
        try ensureFolder()
        let bytes = Array(try JSONEncoder().encode(request)) + [UInt8(ascii: "\n")]
        if let code = Self.append(bytes, to: requestsFile(run)) {
            throw CLIError("cannot write \(requestsFile(run)): \(String(cString: strerror(code)))")
        }
    }

    func requests(for run: String, after: Int) async throws -> [(number: Int, request: RunRequest)] {
        guard let data = FileManager.default.contents(atPath: requestsFile(run)) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return lines.enumerated().dropFirst(after).compactMap { index, line in
            (try? JSONDecoder().decode(RunRequest.self, from: Data(line.utf8))).map { (index + 1, $0) }
        }
    }

    /// Files say nothing when they change: every half second.
    func wakeups(for run: String) -> AsyncStream<Void> { Wakeups.every(.milliseconds(500)) }
}

/// A run held with `flock` on an open file, and its leases: each a lock on one byte of
/// `locks/leases`, at an offset the key's hash gives (an open file description's lock, which the
/// kernel drops when the process ends, and one file for any number of leases). Who holds them is
/// written once per take, for all its keys, in a file of the process's own (`locks/<pid>.json`),
/// which one that meets a held lease reads to name its holder.
final class FileHold: RunHold {
    private struct Held {
        var run: Int32
        /// The file whose bytes are the leases, opened at the first lease.
        var leases: Int32 = -1
        var keys: [String: off_t] = [:]
    }

    private let held: Mutex<Held>
    private let locks: URL

    init(fd: Int32, locks: URL) {
        held = Mutex(Held(run: fd))
        self.locks = locks
    }

    /// A key's byte: 62 bits of its hash.
    private static func offset(_ key: String) -> off_t {
        off_t(UInt64(RunRecord.hash(of: Array(key.utf8)).prefix(16), radix: 16).map { $0 >> 2 } ?? 0)
    }

    /// `fcntl`'s commands for open file description locks (Linux's F_OFD_GETLK and F_OFD_SETLK),
    /// which the Glibc module leaves out, and the lock types.
    private static let getLock: Int32 = 36, setLock: Int32 = 37, unlock = Int16(F_UNLCK), writeLock = Int16(F_WRLCK)

    /// Locks or unlocks one byte; true when it was done.
    private static func lockByte(_ fd: Int32, at offset: off_t, _ type: Int16) -> Bool {
        var lock = flock(l_type: type, l_whence: Int16(SEEK_SET), l_start: offset, l_len: 1, l_pid: 0)
        return fcntl(fd, setLock, &lock) == 0
    }

    func take(_ keys: [String], as holder: Holder) async throws -> Lease? {
        let fd = try leasesFile()
        var taken: [LeaseFile] = []
        for key in keys {
            if held.withLock({ $0.keys[key] != nil }) { continue }
            let offset = Self.offset(key)
            guard Self.lockByte(fd, at: offset, Self.writeLock) else {
                try writeHolders(adding: taken)
                // Its holder may be writing its name still: one that cannot be read yet is unnamed.
                return Self.leases(in: locks).first { $0.key == key } ?? Lease(key: key, holder: .unnamed, expires: nil)
            }
            held.withLock { $0.keys[key] = offset }
            taken.append(LeaseFile(key: key, holder: holder))
        }
        try writeHolders(adding: taken)
        return nil
    }

    /// The leases this process took, written where others read their holders.
    private let holders = Mutex<[LeaseFile]>([])

    /// Adds leases to this process's file of holders (one write for all the keys of a take).
    private func writeHolders(adding taken: [LeaseFile]) throws {
        guard !taken.isEmpty else { return }
        let all = holders.withLock { holders in
            holders += taken
            return holders
        }
        let text = try JSONEncoder().encode(all)
        let path = locks.appendingPathComponent("\(getpid()).json").path
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: text, attributes: [.posixPermissions: 0o600]), rename(temporary, path) == 0 else {
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The open file of the leases' bytes.
    private func leasesFile() throws -> Int32 {
        if let fd = held.withLock({ $0.leases >= 0 ? $0.leases : nil }) { return fd }
        if let cause = FileStore.makeFolder(locks) { throw CLIError("the locks folder \(locks.path) cannot be made: \(cause)") }
        let path = locks.appendingPathComponent("leases").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError("cannot open the locks \(path): \(String(cString: strerror(errno)))") }
        return held.withLock { held in
            if held.leases >= 0 {
                Glibc.close(fd)
            } else {
                held.leases = fd
            }
            return held.leases
        }
    }

    func releaseLeases() async {
        held.withLock { held in
            for offset in held.keys.values { _ = Self.lockByte(held.leases, at: offset, Self.unlock) }
            held.keys = [:]
        }
        forgetHolders()
    }

    /// Removes this process's file of holders: it holds no lease now.
    private func forgetHolders() {
        holders.withLock { $0 = [] }
        try? FileManager.default.removeItem(at: locks.appendingPathComponent("\(getpid()).json"))
    }

    func release() async {
        forgetHolders()
        letGo()
    }

    private func letGo() {
        held.withLock { held in
            if held.run >= 0 { Glibc.close(held.run) }
            if held.leases >= 0 { Glibc.close(held.leases) }
            held = Held(run: -1)
        }
    }

    deinit { letGo() }

    /// True while some process holds the lease on a key.
    static func isLeased(_ key: String, in locks: URL) -> Bool {
        let fd = open(locks.appendingPathComponent("leases").path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var lock = flock(l_type: writeLock, l_whence: Int16(SEEK_SET), l_start: offset(key), l_len: 1, l_pid: 0)
        // Says whether the lock could be taken, without taking it.
        guard fcntl(fd, getLock, &lock) == 0 else { return false }
        return lock.l_type != unlock
    }

    /// A lease as a holders' file lists it: its key and holder.
    private struct LeaseFile: Codable {
        var key: String
        var holder: Holder
    }

    /// The leases some live process holds, as the holders' files in a folder say.
    static func leases(in locks: URL) -> [Lease] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: locks.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.flatMap { name -> [Lease] in
            // A dead process's file is left behind only by a kill; its leases ended with it.
            guard let pid = Int32(name.dropLast(5)), kill(pid, 0) == 0 || errno == EPERM,
                let data = FileManager.default.contents(atPath: locks.appendingPathComponent(name).path),
                let files = try? JSONDecoder().decode([LeaseFile].self, from: data)
            else { return [] }
            return files.filter { isLeased($0.key, in: locks) }.map { Lease(key: $0.key, holder: $0.holder, expires: nil) }
        }
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
