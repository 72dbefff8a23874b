import Foundation
import Synchronization

/// A value set once by a plain thread (a pipe reader, a process's end) and awaited by tasks.
///
/// Tests wait for child processes through this instead of `waitUntilExit` or `Thread.sleep`, which would hold
/// one of the cooperative pool's few threads (two on a two-core machine) and starve the in-process emulator.
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

/// A started child process: its exit status and, where piped, its output, all awaitable.
struct Child: @unchecked Sendable {
    let process: Process
    let status: Handoff<Int32>
    let out: Handoff<Data>
    let err: Handoff<Data>

    /// Starts `process`; output goes to pipes read on threads of their own unless `piped` is false.
    static func start(_ process: Process, piped: Bool = true) throws -> Child {
        let status = Handoff<Int32>()
        let out = Handoff<Data>()
        let err = Handoff<Data>()
        if piped {
            let outPipe = Pipe()
            let errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            try process.run()
            readToEnd(outPipe, into: out)
            readToEnd(errPipe, into: err)
        } else {
            try process.run()
            out.put(Data())
            err.put(Data())
        }
        waitForExit(process, into: status)
        return Child(process: process, status: status, out: out, err: err)
    }

    /// Waits for the end; terminates the process first if it runs longer than `timeout`.
    func exit(timeout: Duration = .seconds(60)) async -> Int32 {
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        return await status.value
    }

    /// Sends `signal` (SIGKILL unless told) and waits for the end.
    func kill(_ signal: Int32 = SIGKILL) async {
        Foundation.kill(process.processIdentifier, signal)
        _ = await status.value
    }

    /// What the process wrote to standard output and standard error, once both are closed.
    func output() async -> (out: String, err: String) {
        (String(decoding: await out.value, as: UTF8.self), String(decoding: await err.value, as: UTF8.self))
    }

    /// Waits on a thread of its own. (Not `terminationHandler`: Foundation notices an exit when every holder
    /// of an inherited socket has closed it, and a daemon the child starts, like tmux's server, holds it on.)
    static func waitForExit(_ process: Process, into status: Handoff<Int32>) {
        Thread {
            process.waitUntilExit()
            status.put(process.terminationStatus)
        }.start()
    }

    private static func readToEnd(_ pipe: Pipe, into handoff: Handoff<Data>) {
        Thread { handoff.put(pipe.fileHandleForReading.readDataToEndOfFile()) }.start()
    }
}
