import RolloutRuntime
import RolloutSyntax

/// A run's locks on the releases it changes: before a change is sent (and before a rollout's wave
/// starts, for all its members at once, in one order) the run takes a lease on each release, held
/// until it ends. One that another run holds is waited for up to `--lock-timeout`; then the change
/// is not sent, and the step fails naming the holder (exit 8).
struct ReleaseLocks: Sendable {
    /// The run's hold, which takes the leases; nil when the run could not be held.
    let hold: (any RunHold)?
    /// Why it could not be held, when it could not.
    let holdProblem: String?
    /// The target, which every key names, so that the same names on two targets are two releases.
    let target: String
    let run: String
    let timeout: Duration
    /// Says that the run waits, once per wait.
    let say: @Sendable (String) -> Void

    /// Takes the leases on releases (`cluster/namespace/name`) for a step; nil once they are
    /// held, else the line that names the holder.
    func claim(_ releases: [String], _ info: StepInfo) async throws -> String? {
        guard let hold else {
            throw CLIError("this run cannot hold the releases it changes: \(holdProblem ?? "another process holds its id")")
        }
        let keys = releases.map { LeaseKey.release($0, of: target) }
        let holder = Holder.this(run: run, statement: info.location.fileAndLine)
        let start = ContinuousClock.now
        var waiting = false
        while true {
            guard let other = try await hold.take(keys, as: holder) else { return nil }
            let what = "\(LeaseKey.releaseName(other.key)) is held by \(other.holder.description)"
            if ContinuousClock.now - start >= timeout {
                let waited = timeout > .zero ? "waited \(DurationText.format(timeout)) for it" : "--lock-timeout waits for it"
                return "\(what); not sent (\(waited))"
            }
            if !waiting {
                say("⏳ \(what); waiting up to \(DurationText.format(timeout)) (--lock-timeout)")
                waiting = true
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
