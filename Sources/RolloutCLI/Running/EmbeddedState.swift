import AutopilotClient
import AutopilotEmulator
import Foundation

/// The embedded emulator's state between runs: a SQLite file under the state directory (one per
/// fleet shape, since a shape seeds its own releases), so that the prompt, `-c` runs and scripts
/// see each other's changes and agree with the journal. One process holds it at a time and serves
/// it; another started meanwhile connects to that process's emulator, whose loopback address the
/// holder writes in the lock file after its process id, since two emulators writing one file would
/// each answer from its own copy.
final class EmbeddedState: Sendable {
    /// The SQLite file.
    let path: String
    private let lock: Int32

    private init(path: String, lock: Int32) {
        self.path = path
        self.lock = lock
    }

    /// What a process finds of the state.
    enum Claim {
        /// The state is this process's to serve.
        case owned(EmbeddedState)
        /// Another process serves it at this address.
        case shared(URL, pid: String)
        /// Nothing can be kept (the state folder cannot be written): an emulator in memory, and why.
        case inMemory(String)
    }

    /// How long a process waits for the holder, just started, to say where it listens.
    static let addressWait: Duration = .seconds(10)

    /// Takes the state for this process, or finds the process that serves it; throws when another
    /// process holds it and does not say where it listens, since then nothing can be run on the
    /// state everyone else sees. `fresh` starts it again from the demo data.
    static func claim(_ paths: Paths, fleet: DemoFleet?, fresh: Bool) async throws -> Claim {
        let name = "emulator-\(fleet?.spelling ?? "0x0")"
        let base = paths.stateDirectory.appendingPathComponent(name)
        do { try paths.ensureStateDirectory() } catch {
            return .inMemory("the embedded emulator keeps nothing between runs: cannot make \(paths.stateDirectory.path) (\(error.localizedDescription))")
        }
        let lockPath = base.path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return .inMemory("the embedded emulator keeps nothing between runs: cannot open \(lockPath) (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return try await holder(of: lockPath, fresh: fresh)
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        let file = base.path + ".sqlite"
        if fresh {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
        return .owned(EmbeddedState(path: file, lock: descriptor))
    }

    /// The process that holds the state, once it has said where it listens.
    private static func holder(of lockPath: String, fresh: Bool) async throws -> Claim {
        let start = ContinuousClock.now
        while true {
            let lines = ((try? String(contentsOfFile: lockPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let pid = (lines.first ?? "?").terminalSafe
            if fresh {
                throw CLIError("another rollout (pid \(pid)) is serving the embedded emulator's state, so it cannot start again from the demo data; nothing was run")
            }
            if lines.count >= 2, let endpoint = Endpoint(string: lines[1]) { return .shared(endpoint.url, pid: pid) }
            guard ContinuousClock.now - start < addressWait else {
                throw CLIError(
                    "another rollout (pid \(pid)) holds the embedded emulator's state and has not said where it serves it; nothing was run, so that no change is made where the others cannot see it")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Says where this process serves the state, for the others to connect to.
    func publish(_ url: URL) {
        let text = "\(getpid())\n\(url.absoluteString)\n"
        ftruncate(lock, 0)
        _ = text.withCString { pwrite(lock, $0, strlen($0), 0) }
    }

    deinit { close(lock) }
}
