import AutopilotEmulator
import Foundation

/// The embedded emulator's state between runs: a SQLite file under the state directory (one per
/// fleet shape, since a shape seeds its own releases), so that the prompt, `-c` runs and scripts
/// see each other's changes and agree with the journal. One process holds it at a time; another
/// started meanwhile runs on a fresh emulator in memory and says so, since two emulators writing one
/// file would each answer from its own copy.
final class EmbeddedState: Sendable {
    /// The SQLite file.
    let path: String
    private let lock: Int32

    private init(path: String, lock: Int32) {
        self.path = path
        self.lock = lock
    }

    /// Takes the state for this process; nil, with the reason, when another process holds it or the
    /// directory cannot be written. `fresh` starts it again from the demo data.
    static func claim(_ paths: Paths, fleet: DemoFleet?, fresh: Bool) -> (state: EmbeddedState?, warning: String?) {
        let name = "emulator-\(fleet?.spelling ?? "0x0")"
        let base = paths.stateDirectory.appendingPathComponent(name)
        do { try paths.ensureStateDirectory() } catch {
            return (nil, "the embedded emulator keeps nothing between runs: cannot make \(paths.stateDirectory.path) (\(error.localizedDescription))")
        }
        let lockPath = base.path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            return (nil, "the embedded emulator keeps nothing between runs: cannot open \(lockPath) (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(descriptor)
            return (nil, "another rollout (pid \(holder)) is using the embedded emulator's state, so this run uses a fresh one in memory and keeps nothing")
        }
        ftruncate(descriptor, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
        let file = base.path + ".sqlite"
        if fresh {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
        return (EmbeddedState(path: file, lock: descriptor), nil)
    }

    deinit { close(lock) }
}
