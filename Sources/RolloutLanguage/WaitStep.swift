import AutopilotClient

extension Interpreter {
    /// `wait`: polls the release with a starting interval that backs off (×1.5) to 10 s, reports
    /// each status change with the time since the step began, and fails on `FAILED`, `UNKNOWN`,
    /// the release disappearing, or the timeout. Cancelling the task stops it at once.
    func wait(for goal: WaitTarget, _ target: ResolvedRelease, timeout: Duration, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let clock = ContinuousClock()
        let start = clock.now
        var delay = context.interval
        let cap = max(context.interval, .seconds(10))
        var last: (ReleaseStatus, Int)?
        let minimumVersion = expectedVersions[target.key] ?? 0
        let goalText = Self.describe(goal)
        while true {
            let release: Release
            do {
                release = try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
            } catch {
                if error.isNotFound {
                    if goal == .gone { return .waited(target: goalText, release: nil, elapsed: clock.now - start) }
                    throw StepFailure(.waitFailed, "\(target.name) is gone (not found in \(target.namespace))", apiError: error)
                }
                if error.kind == .cancelled {
                    throw StepFailure(.interrupted, "stopped waiting for \(target.name); the server may still be working on it")
                }
                throw Self.failure(error)
            }
            let elapsed = clock.now - start
            if last == nil || last! != (release.status, release.version) {
                emit(.statusChanged(info, release: release.name, status: release.status, version: release.version, elapsed: elapsed))
                last = (release.status, release.version)
            }
            if release.version >= minimumVersion {
                if case .status(let wanted) = goal, release.status.rawValue == wanted {
                    return .waited(target: goalText, release: release, elapsed: elapsed)
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
            do {
                try await Task.sleep(for: min(delay, remaining))
            } catch {
                throw StepFailure(.interrupted, "stopped waiting for \(target.name); the server may still be working on it")
            }
            delay = min(delay * 1.5, cap)
        }
    }

    static func describe(_ goal: WaitTarget) -> String {
        switch goal {
        case .gone: return "DELETED"
        case .status(let status): return status
        }
    }

    /// `expect`: compares a field of the release now with a value.
    func expect(_ field: ExpectField, _ op: String, _ expected: String, _ target: ResolvedRelease) async throws(StepFailure) -> StepResult {
        let release = try await call { () async throws(AutopilotError) in
            try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
        }
        var wanted = expected
        let actual: String
        switch field {
        case .status:
            actual = release.status.rawValue
            wanted = WaitTarget(expected).map(Self.describe) ?? expected.uppercased()
        case .version: actual = String(release.version)
        case .tag: actual = release.imageTag ?? ""
        case .chartVersion: actual = release.chartVersion
        case .chart: actual = release.chartName
        case .pullPolicy: actual = release.imagePullPolicy ?? ""
        case .value(let pathWord):
            let path = try expand(pathWord)
            let value = release.values[path: path]
            actual = value?.scalarText ?? value?.jsonText ?? ""
        }
        let label = field == .status || field == .version ? field.name : (try? describeField(field)) ?? field.name
        guard Self.compare(actual, op, wanted) else {
            let shown = SecretKeys.isSecret(label) ? "******" : (actual.isEmpty ? "unset" : actual)
            throw StepFailure(.expectation, "expected \(label) \(op) \(wanted), but \(target.name) has \(shown)")
        }
        return .expectation("\(label) \(op) \(wanted) holds for \(target.name)")
    }

    private func describeField(_ field: ExpectField) throws(StepFailure) -> String {
        if case .value(let path) = field { return "value \(try expand(path))" }
        return field.name
    }

    /// Compares as numbers when both sides are whole numbers, else as text.
    static func compare(_ actual: String, _ op: String, _ expected: String) -> Bool {
        if let a = Int(actual), let b = Int(expected) {
            switch op {
            case "==": return a == b
            case "!=": return a != b
            case "<": return a < b
            case "<=": return a <= b
            case ">": return a > b
            default: return a >= b
            }
        }
        switch op {
        case "==": return actual == expected
        case "!=": return actual != expected
        case "<": return actual < expected
        case "<=": return actual <= expected
        case ">": return actual > expected
        default: return actual >= expected
        }
    }
}
