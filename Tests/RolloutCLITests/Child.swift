import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A value set once (a stream's end, a process's end) and awaited by tasks.
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

/// A child process started with swift-subprocess: its exit status and output, all awaitable.
///
/// Not Foundation's `Process`: on Linux it learns of an exit when every holder of a socket it hands the
/// child has closed it, and a daemon the child starts (tmux's server) holds that socket for ever; and a
/// child spawned from a pool thread inherits that thread's blocked signals. swift-subprocess gives the
/// child no descriptors but its three standard ones, a clean signal mask and default dispositions, and
/// awaits its end and its output without holding a thread of the cooperative pool.
struct Child: Sendable {
    /// The exit code, or 128 plus the signal that ended it, as a shell reports it.
    let status = Handoff<Int32>()
    let out = Handoff<Data>()
    let err = Handoff<Data>()
    /// The first line of standard output (without its newline), or all of it if it has none.
    let firstLine = Handoff<String>()
    private let pid = Handoff<pid_t>()

    /// Starts `executable` in `directory`; `stdin` is its standard input (none: `/dev/null`); standard
    /// output and error are read to their end unless `captured` is false, when they go to `/dev/null`.
    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: URL? = nil,
        stdin: Data? = nil, captured: Bool = true
    ) -> Child {
        let child = Child()
        _ = ignoringBrokenPipes
        let configuration = Subprocess.Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in
                Environment.Key(rawValue: name).map { ($0, value) }
            })),
            workingDirectory: directory.map { FilePath($0.path) })
        Task {
            do {
                let status = try await {
                    switch (stdin, captured) {
                    case (let stdin?, true): return try await child.run(configuration, input: .array(Array(stdin)))
                    case (nil, true): return try await child.run(configuration, input: .none)
                    case (_, false):
                        return try await Subprocess.run(configuration, input: .none, output: .discarded, error: .discarded) { execution in
                            child.pid.put(execution.processIdentifier.value)
                        }.terminationStatus
                    }
                }()
                child.out.put(Data())
                child.err.put(Data())
                child.firstLine.put("")
                switch status {
                case .exited(let code): child.status.put(code)
                case .signaled(let signal): child.status.put(128 + signal)
                }
            } catch {
                child.err.put(Data("cannot start \(executable): \(error)".utf8))
                child.out.put(Data())
                child.firstLine.put("")
                child.status.put(127)
            }
        }
        return child
    }

    /// Runs the process with its output read as it comes.
    private func run<Input: InputProtocol>(_ configuration: Subprocess.Configuration, input: Input) async throws -> TerminationStatus {
        try await Subprocess.run(configuration, input: input, output: .sequence, error: .sequence) { execution in
            pid.put(execution.processIdentifier.value)
            async let standardOutput = Self.collect(execution.standardOutput, firstLine: firstLine)
            async let standardError = Self.collect(execution.standardError, firstLine: nil)
            out.put(try await standardOutput)
            err.put(try await standardError)
        }.terminationStatus
    }

    /// Reads a stream to its end; puts the first line into `firstLine` as soon as it is complete.
    private static func collect(_ stream: SubprocessOutputSequence, firstLine: Handoff<String>?) async throws -> Data {
        var data = Data()
        for try await buffer in stream {
            buffer.withUnsafeBytes { data.append(contentsOf: $0) }
            if let firstLine, !firstLine.isSet, let newline = data.firstIndex(of: UInt8(ascii: "\n")) {
                firstLine.put(String(decoding: data[..<newline], as: UTF8.self))
            }
        }
        firstLine?.put(String(decoding: data, as: UTF8.self))
        return data
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

    /// The child's process id, once it has started.
    func processID() async -> pid_t { await pid.value }

    /// Sends `signal` once the process runs, unless it has already ended (its number may then be someone else's).
    func signal(_ signal: Int32) {
        Task {
            let pid = await pid.value
            if !status.isSet { Glibc.kill(pid, signal) }
        }
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
