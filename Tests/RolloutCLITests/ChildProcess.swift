import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A value set once by a plain thread (a pipe reader, a process's end) and awaited by tasks.
///
/// Tests wait for child processes through this instead of blocking calls, which would hold one of the
/// cooperative pool's few threads (two on a two-core machine) and starve the in-process emulator.
final class Handoff<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiting: [CheckedContinuation<Value, Never>])>((nil, []))

    /// Sets the value and wakes everyone awaiting it; later calls are ignored.
    func put(_ value: Value) {
        let waiting = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard state.value == nil else { return [] }
            state.value = value
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: value) }
    }

    /// Whether the value is set.
    var isSet: Bool { state.withLock { $0.value != nil } }

    /// The value, once it is set.
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Value? in
                    if let value = state.value { return value }
                    state.waiting.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}

/// A child process started with `posix_spawn`: its exit status and output, all awaitable.
///
/// Not Foundation's `Process`: on Linux it learns of an exit when every holder of a socket it hands the child
/// has closed it, and a daemon the child starts (tmux's server) holds that socket for ever; and a child spawned
/// from a pool thread inherits that thread's blocked signals. Here the child gets no descriptors but its three
/// standard ones, a clean signal mask, and its end is read with `waitpid` on a thread of its own.
struct Child: Sendable {
    let pid: pid_t
    /// The exit code, or 128 plus the signal that ended it, as a shell reports it.
    let status: Handoff<Int32>
    let out: Handoff<Data>
    let err: Handoff<Data>
    /// The first line of standard output (without its newline), or all of it if it has none.
    let firstLine: Handoff<String>

    /// Starts `executable`; `stdin` is written to a pipe and closed (none: `/dev/null`); standard output and
    /// error are read to their end unless `captured` is false, when they go to `/dev/null`.
    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: URL? = nil,
        stdin: Data? = nil, captured: Bool = true
    ) throws -> Child {
        _ = ignoringBrokenPipes
        var program = executable
        var argv = [executable] + arguments
        if let directory {
            program = "/bin/sh"
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory.path] + argv
        }
        var spawn = SpawnSetup()
        defer { spawn.release() }
        let input = try stdin.map { _ in try PipePair() }
        if let input { spawn.connect(input.read, to: 0) } else { spawn.openNull(on: 0) }
        let out = captured ? try PipePair() : nil
        let err = captured ? try PipePair() : nil
        if let out, let err {
            spawn.connect(out.write, to: 1)
            spawn.connect(err.write, to: 2)
        } else {
            spawn.openNull(on: 1)
            spawn.openNull(on: 2)
        }
        spawn.closeTheRest()

        let pid: pid_t
        do {
            pid = try spawn.run(program, argv, environment.map { "\($0.key)=\($0.value)" })
        } catch {
            for pipe in [input, out, err].compactMap({ $0 }) { pipe.close() }
            throw error
        }
        // The child's ends are the child's now.
        for fd in [input?.read, out?.write, err?.write].compactMap({ $0 }) { close(fd) }

        let child = Child(pid: pid, status: Handoff(), out: Handoff(), err: Handoff(), firstLine: Handoff())
        if let input, let stdin { Thread { writeAll(stdin, to: input.write) }.start() }
        if let out, let err {
            Thread { child.out.put(readAll(out.read, firstLine: child.firstLine)) }.start()
            Thread { child.err.put(readAll(err.read, firstLine: nil)) }.start()
        } else {
            child.out.put(Data())
            child.err.put(Data())
            child.firstLine.put("")
        }
        Thread { child.status.put(waitForEnd(of: pid)) }.start()
        return child
    }

    /// Waits for the end; sends SIGTERM if the process runs longer than `timeout`, and SIGKILL 5 s later.
    func exit(timeout: Duration = .seconds(60)) async -> Int32 {
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            signal(SIGTERM)
            try await Task.sleep(for: .seconds(5))
            signal(SIGKILL)
        }
        defer { watchdog.cancel() }
        return await status.value
    }

    /// Sends `signal` unless the process has already been reaped (its number may then be someone else's).
    func signal(_ signal: Int32) {
        if !status.isSet { Glibc.kill(pid, signal) }
    }

    /// Sends `signal` (SIGKILL unless told) and waits for the end.
    func kill(_ signal: Int32 = SIGKILL) async {
        self.signal(signal)
        _ = await status.value
    }

    /// What the process wrote to standard output and standard error, once both are closed.
    func output() async -> (out: String, err: String) {
        (String(decoding: await out.value, as: UTF8.self), String(decoding: await err.value, as: UTF8.self))
    }
}

/// A child that exits before reading its input must not end the test process with SIGPIPE.
private let ignoringBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

/// A pipe whose two ends close on `exec` (children also close all but their standard three); the child gets its end as a standard descriptor by `dup2`.
private struct PipePair {
    let read: Int32
    let write: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CLIFailure("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        (read, write) = (fds[0], fds[1])
    }

    /// Closes both ends (when the child could not be started).
    func close() {
        Glibc.close(read)
        Glibc.close(write)
    }
}

/// `posix_spawn`'s file actions and attributes for one child.
private struct SpawnSetup {
    private var actions = posix_spawn_file_actions_t()
    private var attributes = posix_spawnattr_t()

    init() {
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    mutating func connect(_ fd: Int32, to standard: Int32) {
        posix_spawn_file_actions_adddup2(&actions, fd, standard)
    }

    mutating func openNull(on standard: Int32) {
        posix_spawn_file_actions_addopen(&actions, standard, "/dev/null", standard == 0 ? O_RDONLY : O_WRONLY, 0)
    }

    /// Closes every descriptor above the standard three in the child, so that no daemon it starts can hold
    /// another test's pipe open. (glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's
    /// Glibc module does not declare.)
    mutating func closeTheRest() {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    mutating func run(_ program: String, _ argv: [String], _ environment: [String]) throws -> pid_t {
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
        guard code == 0 else { throw CLIFailure("cannot start \(program): \(String(cString: strerror(code)))") }
        return pid
    }

    mutating func release() {
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
    }
}

/// Reads `fd` to its end and closes it; puts the first line into `firstLine` as soon as it is complete.
private func readAll(_ fd: Int32, firstLine: Handoff<String>?) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        data.append(contentsOf: buffer[..<count])
        if let firstLine, !firstLine.isSet, let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
            firstLine.put(String(decoding: data[..<newline], as: UTF8.self))
        }
    }
    close(fd)
    firstLine?.put(String(decoding: data, as: UTF8.self))
    return data
}

/// Writes all of `data` to `fd`, then closes it.
private func writeAll(_ data: Data, to fd: Int32) {
    data.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
    }
    close(fd)
}

/// Reaps `pid` and turns its wait status into a shell's exit code.
private func waitForEnd(of pid: pid_t) -> Int32 {
    var raw: Int32 = 0
    while waitpid(pid, &raw, 0) == -1 {
        if errno != EINTR { return -1 }
    }
    let signal = raw & 0x7f
    return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
}
