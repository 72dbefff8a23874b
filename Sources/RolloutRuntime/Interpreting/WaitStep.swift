import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// `wait`: polls the release with a starting interval that backs off (×1.5) to 10 s, reports
    /// each status change with the time since the step began, and fails on `FAILED`, `UNKNOWN`,
    /// the release disappearing, a version past the one this run's change made, or the timeout. A transient error (a 429 or 5xx, a dropped
    /// connection) is reported and polled through. Right after a change answered `PENDING_*` it
    /// waits an interval before the first look. Cancelling the task stops it at once.
    func wait(for goal: WaitStatus, _ target: ResolvedRelease, timeout: Duration, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let clock = ContinuousClock()
        let start = clock.now
        var delay = context.interval
        let cap = max(context.interval, .seconds(10))
        var last: (ReleaseStatus, Int)?
        // The version this run's last change made: a wait is for that one, not for whatever
        // another hand made since.
        let expected = expectedVersions[target.key]
        if answeredPending.remove(target.key) != nil, mode == .run, goal != .deleted {
            try await pause(for: min(delay, timeout), waitingFor: target)
        }
        while true {
            let release: Release
            do {
                release = try await Self.read(before: start + timeout) { () async throws(AutopilotError) in
                    try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
                }
            } catch {
                if error.isNotFound {
                    if goal == .deleted { return .waited(target: goal.shown, release: nil, elapsed: clock.now - start) }
                    // Gone only if it was there: seen by this wait, or changed by this run.
                    let wasThere = last != nil || expected != nil
                    let message = wasThere ? "\(target.name) is gone (not found in \(target.namespace))" : "no release \(target.name) in namespace \(target.namespace)"
                    throw StepFailure(.waitFailed, message, apiError: error)
                }
                if error.kind == .cancelled {
                    throw StepFailure(.interrupted, "stopped waiting for \(target.name); the server may still be working on it")
                }
                guard error.isTransient else { throw Self.failure(error) }
                guard clock.now - start + delay < timeout else {
                    throw StepFailure(
                        .timedOut, "no good answer about \(target.name) within \(DurationText.format(timeout)): \(error.description)",
                        apiError: error)
                }
                emit(.progress(info, "\(error.description); still waiting for \(target.name)"))
                try await pause(for: delay, waitingFor: target)
                delay = min(delay * 1.5, cap)
                continue
            }
            let elapsed = clock.now - start
            if mode == .plan {
                let backoff = DurationText.format(cap)
                return .planned(
                    "polls every \(DurationText.format(context.interval)), backing off to \(backoff), until \(goal.shown); FAILED, UNKNOWN or \(DurationText.format(timeout)) fail it")
            }
            if last == nil || last! != (release.status, release.version) {
                emit(.statusChanged(info, release: release.name, status: release.status, version: release.version, elapsed: elapsed))
                last = (release.status, release.version)
            }
            if let expected, release.version > expected {
                throw StepFailure(
                    .waitFailed,
                    "\(target.name) is at version \(release.version), past version \(expected) that this run's change made: another change was made since, so this wait cannot vouch for it")
            }
            if release.version >= (expected ?? 0) {
                if release.status.rawValue == goal.apiStatus {
                    return .waited(target: goal.shown, release: release, elapsed: elapsed)
                }
                if release.status.isFailure {
                    let why = release.statusDescription.isEmpty ? "" : ": \(release.statusDescription)"
                    throw StepFailure(.waitFailed, "\(target.name) version \(release.version) is \(release.status)\(why)")
                }
            }
            let remaining = timeout - elapsed
            guard remaining > .zero else {
                throw StepFailure(
                    .timedOut,
                    "\(target.name) is still \(release.status) (version \(release.version)) after \(DurationText.format(timeout)); the server may still be working on it")
            }
            try await pause(for: min(delay, remaining), waitingFor: target)
            delay = min(delay * 1.5, cap)
        }
    }

    /// The sleep between two looks, which Ctrl-C ends.
    private func pause(for length: Duration, waitingFor target: ResolvedRelease) async throws(StepFailure) {
        do {
            try await Task.sleep(for: length)
        } catch {
            throw StepFailure(.interrupted, "stopped waiting for \(target.name); the server may still be working on it")
        }
    }

    /// `expect`: compares a field of the release now with a value. The release is read through
    /// transient errors until the step's timeout, as a wait reads it.
    func expect(
        _ field: ExpectField, path: String?, _ comparison: Comparison, _ expected: String, _ target: ResolvedRelease, _ info: StepInfo
    ) async throws(StepFailure) -> StepResult {
        let release = try await releaseNow(target, info, deadline: ContinuousClock.now + context.timeout)
        let label = path.map { "\(field.rawValue) \($0)" } ?? field.rawValue
        if mode == .plan { return .planned("then checks \(label) \(comparison.rawValue) \(expected)") }
        var wanted = expected
        let actual: String
        switch field {
        case .status:
            actual = release.status.rawValue
            wanted = WaitStatus(spelling: expected)?.shown ?? expected.uppercased()
        case .version: actual = String(release.version)
        case .tag: actual = release.imageTag ?? ""
        case .chartVersion: actual = release.chartVersion
        case .chart: actual = release.chartName
        case .pullPolicy: actual = release.imagePullPolicy ?? ""
        case .value:
            let value = release.values[path: path ?? ""]
            actual = value?.scalarText ?? value?.jsonText ?? ""
        }
        guard comparison.holds(actual, wanted) else {
            let shown = SecretKeys.isSecret(label) ? "******" : (actual.isEmpty ? "unset" : actual)
            throw StepFailure(.expectation, "expected \(label) \(comparison.rawValue) \(wanted), but \(target.name) has \(shown)")
        }
        return .expectation("\(label) \(comparison.rawValue) \(wanted) holds for \(target.name)")
    }
}
