import AutopilotModels
import RolloutSyntax
import Synchronization

extension Interpreter {
    /// `upgrade`: waits while the release is busy, finds its chart unless one is set, then sends
    /// the settings as one update. With `onlyIfChanged`, a deployed release whose values and chart
    /// would stay as they are is left alone, and the skip is put on record.
    func upgrade(_ target: ResolvedRelease, onlyIfChanged: Bool, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let change = takeChange()
        let deadline = ContinuousClock.now + context.timeout
        let current = try await settled(target, info, deadline: deadline)
        let chosen = try await chart(of: change, else: current, target, info, deadline: deadline)
        // A plan lists the calls the run makes: the chart's defaults that a reset-values diff needs
        // are read only when the run reads them too (`if changed`).
        let reset = change.flags[.resetValues] == true
        if mode == .plan, reset, !onlyIfChanged {
            emit(.progress(info, "reset-values: the values become the chart's defaults with what is set"))
        }
        if onlyIfChanged || (mode == .plan && !reset) {
            let preview = try await upgradePreview(target, current: current, change: change, chart: chosen)
            if onlyIfChanged, preview.isEmpty, current.status == .deployed {
                if mode == .plan { return .planned("no call: \(target.name) would not change, so the upgrade is skipped") }
                await journalResult(
                    ChangeRecord(
                        action: .upgrade, cluster: target.cluster, namespace: target.namespace, release: target.name,
                        versionBefore: current.version, versionAfter: current.version, outcome: .skipped,
                        values: change.releaseValues.json.redactingSecrets()), info)
                return .unchanged(current)
            }
            if mode == .plan { emit(.preview(info, preview)) }
        }
        return try await send(
            .upgrade, target, before: current, values: change.releaseValues.json, dryRun: change.flags[.dryRun] == true, info,
            deadline: deadline
        ) { () async throws(AutopilotError) in
            try await api.update(
                release: target.name, in: target.namespace, cluster: target.cluster, action: .upgrade, chart: chosen,
                values: change.releaseValues, parameters: change.parameters)
        }
    }

    /// `rollback`: to a version, or to the last deployed version before the current one.
    func rollback(_ target: ResolvedRelease, to version: Int?, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let change = takeChange()
        let deadline = ContinuousClock.now + context.timeout
        let current = try await settled(target, info, deadline: deadline)
        let versions = try await readThrough(info, deadline: deadline) { () async throws(AutopilotError) in
            try await api.history(of: target.name, in: target.namespace, cluster: target.cluster)
        }
        guard let goal = Self.rollbackGoal(version, in: versions, current: current) else {
            if let version { throw Self.noVersion(version, of: target.name, in: versions) }
            throw StepFailure(.api, "\(target.name) has no deployed version before version \(current.version) to roll back to")
        }
        if mode == .plan { emit(.preview(info, Self.rollbackPreview(current, to: goal))) }
        let chosen = try await chart(of: change, else: goal, target, info, deadline: deadline)
        var parameters = change.parameters
        parameters.releaseVersion = goal.version
        let sent = parameters
        return try await send(
            .rollback, target, before: current, values: .object([:]), dryRun: change.flags[.dryRun] == true, info,
            deadline: deadline
        ) { () async throws(AutopilotError) in
            try await api.update(
                release: target.name, in: target.namespace, cluster: target.cluster, action: .rollback, chart: chosen,
                values: ReleaseValues(), parameters: sent)
        }
    }

    /// `install <release> from chart <id>`.
    func install(_ target: ResolvedRelease, chart id: String, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        let change = takeChange()
        let id = try await chartID(named: id)
        let chart = try await call { () async throws(AutopilotError) in try await api.chart(id) }
        return try await send(
            .install, target, before: nil, values: change.releaseValues.json, dryRun: change.flags[.dryRun] == true, info,
            deadline: ContinuousClock.now
        ) { () async throws(AutopilotError) in
            try await api.install(
                release: target.name, in: target.namespace, cluster: target.cluster, chart: chart.id,
                chartVersion: chart.version, values: change.releaseValues,
                parameters: change.flags.isEmpty ? nil : change.parameters, description: nil)
        }
    }

    /// `uninstall`.
    func uninstall(_ target: ResolvedRelease, _ info: StepInfo) async throws(StepFailure) -> StepResult {
        _ = takeChange()
        let current = try await call { () async throws(AutopilotError) in
            try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
        }
        var record = ChangeRecord(
            action: .uninstall, cluster: target.cluster, namespace: target.namespace, release: target.name,
            versionBefore: current.version, versionAfter: nil, outcome: .sending, values: .object([:]))
        try await journalIntent(record, info)
        // An uninstall is not sent again: once the service may have it, the release is read back.
        _ = try await attempt(
            ChangeAttempt(.uninstall, release: target.name, versionBefore: current.version), target, info, deadline: ContinuousClock.now,
            record: &record
        ) { () async throws(AutopilotError) in
            let answer = try await api.uninstall(release: target.name, in: target.namespace, cluster: target.cluster)
            return Answered(nil, requestID: answer.requestID)
        }
        expectedVersions[target.key] = nil
        var deleting = current
        deleting.status = .deleting
        return .change(action: .uninstall, release: deleting, dryRun: false)
    }

    // MARK: Shared

    /// The settings for this change; they are used once.
    private func takeChange() -> PendingChange {
        let change = context.change
        context.change = PendingChange()
        return change
    }

    /// Sends a change as its `ChangeAttempt` says: its intent is on record before anything is
    /// sent, it is sent again only when it is known not to have been applied, an answer lost is
    /// read back, and its outcome is on record after.
    private func send(
        _ action: Keyword, _ target: ResolvedRelease, before: Release?, values: JSONValue, dryRun: Bool, _ info: StepInfo,
        deadline: ContinuousClock.Instant, _ body: () async throws(AutopilotError) -> Answered<Release>
    ) async throws(StepFailure) -> StepResult {
        if let earlier = try await madeInAnEarlierTry(action, target, info, deadline: deadline) { return earlier }
        var record = ChangeRecord(
            action: action, cluster: target.cluster, namespace: target.namespace, release: target.name,
            versionBefore: before?.version, versionAfter: nil, outcome: .sending, values: values.redactingSecrets())
        try await journalIntent(record, info)
        let outcome = try await attempt(
            ChangeAttempt(action, release: target.name, versionBefore: before?.version, dryRun: dryRun), target, info, deadline: deadline,
            record: &record
        ) { () async throws(AutopilotError) in
            let answer = try await body()
            return Answered(answer.value, requestID: answer.requestID)
        }
        guard let release = outcome.release else { throw StepFailure(.outcomeUnknown, "the \(action.rawValue) of \(target.name) has no release to show") }
        if !dryRun {
            expectedVersions[target.key] = release.version
            if outcome.recorded == .applied, release.status.isPending { answeredPending.insert(target.key) }
        }
        return .change(action: action, release: release, dryRun: dryRun)
    }

    /// Drives a change attempt to its end: sends, waits and reads back as it says, journals its
    /// outcome, and returns it when the step succeeds (throws the step's failure when it does not).
    private func attempt(
        _ attempt: ChangeAttempt, _ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant,
        record: inout ChangeRecord, _ body: () async throws(AutopilotError) -> Answered<Release?>
    ) async throws(StepFailure) -> ChangeAttempt.Outcome {
        var attempt = attempt
        var next = attempt.start()
        while true {
            switch next {
            case .send(let again):
                if let again {
                    emit(.progress(info, again))
                    do { try await Task.sleep(for: context.interval) } catch {
                        throw StepFailure(.interrupted, "interrupted before sending the \(attempt.action.rawValue) again")
                    }
                }
                do {
                    let answer = try await body()
                    record.requestID = answer.requestID
                    next = attempt.answered(answer.value)
                } catch {
                    record.requestID = error.requestID
                    next = attempt.failed(error, canRetry: ContinuousClock.now + context.interval < deadline)
                }
            case .readBack(let brief):
                let found = brief ? await readBack(target) : await readBackThrough(target, info, deadline: deadline)
                next = attempt.readBack(found, canRetry: ContinuousClock.now + context.interval < deadline)
            case .finish(let outcome):
                record.outcome = outcome.recorded
                record.versionAfter = outcome.madeTheChange ? outcome.release?.version : nil
                record.error = outcome.error
                await journalResult(record, info)
                if let failure = outcome.failure { throw failure }
                if let note = outcome.note { emit(.progress(info, note)) }
                return outcome
            }
        }
    }

    /// The release read back after an answer was lost, through transient errors until the deadline.
    private func readBackThrough(_ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant) async -> ReadBack {
        do {
            return .found(
                try await releaseNow(target, info, deadline: deadline))
        } catch {
            return error.apiError?.isNotFound == true ? .gone : .unknown
        }
    }

    /// Resumed: the result of this member's change when an earlier try of the run made it and the
    /// release is still at the version it made, so it is not made twice; nil when it is to be sent
    /// (the release moved on since, or that version failed to deploy).
    private func madeInAnEarlierTry(
        _ action: Keyword, _ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant
    ) async throws(StepFailure) -> StepResult? {
        guard let index = madeEarlier.firstIndex(where: {
            $0.action == action && $0.releaseKey == target.key && $0.place.line == info.location.line && $0.place.column == info.location.column
        }) else { return nil }
        let earlier = madeEarlier.remove(at: index)
        // The release may have moved on by this run's own later changes to it; only a version
        // past the run's last one means another hand changed it since.
        let runsLatest = (madeEarlier + [earlier]).filter { $0.releaseKey == target.key }.compactMap(\.versionAfter).max()
        let now: Release
        do {
            now = try await releaseNow(target, info, deadline: deadline)
        } catch where error.apiError?.isNotFound == true {
            emit(.progress(info, "the \(action.rawValue) of \(target.name) made in an earlier try of this run is gone since; it is sent again"))
            return nil
        }
        guard now.version == runsLatest else {
            emit(.progress(info, "the \(action.rawValue) of \(target.name) made in an earlier try (version \(earlier.versionAfter ?? 0)) was changed since (now version \(now.version)); it is sent again"))
            return nil
        }
        // A version that failed to deploy is tried again, as a new change: sending it again is the
        // retry the resume is for, not a duplicate.
        guard !now.status.isFailure else {
            emit(.progress(info, "the \(action.rawValue) of \(target.name) made in an earlier try (version \(now.version)) is \(now.status); it is sent again"))
            return nil
        }
        expectedVersions[target.key] = now.version
        emit(.progress(info, "the \(action.rawValue) of \(target.name) was made in an earlier try of this run (version \(now.version)); it is not sent again"))
        return .change(action: action, release: now, dryRun: false)
    }

    /// Puts a change's intent on record before it is sent; when that fails, the change is not sent.
    private func journalIntent(_ record: ChangeRecord, _ info: StepInfo) async throws(StepFailure) {
        var intent = record
        intent.outcome = .sending
        intent.place = place(of: info)
        if let failure = await claimReleases([record.releaseKey], info) { throw failure }
        do {
            try await journal(intent)
        } catch {
            throw StepFailure(.notRecorded, "not sent: \(error)")
        }
        emit(.change(info, intent))
    }

    /// Puts a change's result on record; the change is made by then, so a failure is reported, not thrown.
    func journalResult(_ record: ChangeRecord, _ info: StepInfo) async {
        var record = record
        record.place = place(of: info)
        do {
            try await journal(record)
        } catch {
            emit(.progress(info, "warning: the result of this \(record.action.rawValue) is not on record: \(error)"))
        }
        emit(.change(info, record))
    }

    /// Where a change of this step comes from: its statement and the member this interpreter runs for.
    private func place(of info: StepInfo) -> ChangePlace {
        ChangePlace(line: info.location.line, column: info.location.column, member: member?.member.label, wave: member?.wave)
    }

    /// The release as it is now, read after the step was interrupted: briefly, outside the
    /// cancelled task, and not at all once `skipReadBack()` is called (a second Ctrl-C).
    private func readBack(_ target: ResolvedRelease) async -> ReadBack {
        let api = api
        let read = Task<ReadBack, Never> {
            do throws(AutopilotError) {
                return .found(try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false))
            } catch {
                return error.isNotFound ? .gone : .unknown
            }
        }
        let timer = Task {
            try? await Task.sleep(for: Self.readBackLimit)
            read.cancel()
        }
        let id = control.track(read)
        defer {
            timer.cancel()
            control.untrack(id)
        }
        return await read.value
    }

    /// How long a read-back after an interrupt may take.
    static var readBackLimit: Duration { .seconds(5) }

    /// A read that a change step depends on, tried again through transient errors (a 429 or 5xx,
    /// a dropped connection) until the step's deadline, as a wait polls through them.
    func readThrough<T: Sendable>(
        _ info: StepInfo, deadline: ContinuousClock.Instant, _ body: @Sendable () async throws(AutopilotError) -> T
    ) async throws(StepFailure) -> T {
        let emit = emit
        return try await Self.readThrough(
            deadline: deadline, interval: context.interval, onRetry: { emit(.progress(info, "\($0.description); trying again")) }, body)
    }

    /// The loop of `readThrough`, for reads outside a step (a soak's look): a transient error is
    /// told to `onRetry` and the read tried again, backing off from `interval`, until the deadline.
    static func readThrough<T: Sendable>(
        deadline: ContinuousClock.Instant, interval: Duration, onRetry: @Sendable (AutopilotError) -> Void,
        _ body: @Sendable () async throws(AutopilotError) -> T
    ) async throws(StepFailure) -> T {
        var delay = interval
        while true {
            do {
                return try await read(before: deadline, body)
            } catch where error.isTransient && ContinuousClock.now + delay < deadline {
                onRetry(error)
                do { try await Task.sleep(for: delay) } catch { throw StepFailure(.interrupted, "interrupted while trying again") }
                delay = min(delay * 1.5, .seconds(10))
            } catch {
                throw Self.failure(error)
            }
        }
    }

    /// The least time a read gets, however little its statement has left: the one look that says
    /// where things stand.
    static let lastLook: Duration = .seconds(5)

    /// One read within the time its statement has left (at least `lastLook`), so that a slow
    /// server cannot stretch a statement past its timeout by the client's own 120 s a call.
    static func read<T: Sendable>(
        before deadline: ContinuousClock.Instant, _ body: @Sendable () async throws(AutopilotError) -> T
    ) async throws(AutopilotError) -> T {
        let left = max(deadline - ContinuousClock.now, lastLook)
        do {
            return try await withoutActuallyEscaping(body) { body in
                try await withTimeLimit(left) { try await body() }
            }
        } catch let error as AutopilotError {
            throw error
        } catch is TimeLimitExceeded {
            throw .transport(TransportFailure(cause: .deadlineExceeded, host: "the API", detail: "no answer before the statement's timeout"))
        } catch {
            throw AutopilotError(kind: .cancelled, message: "cancelled; the server may still be working on the request")
        }
    }

    /// The release as it is now, read through transient errors until the deadline.
    func releaseNow(_ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant) async throws(StepFailure) -> Release {
        try await readThrough(info, deadline: deadline) { () async throws(AutopilotError) in
            try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
        }
    }

    /// The release once it is not pending, waiting (and saying so) until the deadline.
    private func settled(_ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant) async throws(StepFailure) -> Release {
        var said = false
        while true {
            let release = try await releaseNow(target, info, deadline: deadline)
            guard release.status.isPending else { return release }
            guard ContinuousClock.now + context.interval < deadline else {
                throw StepFailure(.timedOut, "\(target.name) is still \(release.status) after \(DurationText.format(context.timeout)); the earlier change has not finished")
            }
            if !said {
                emit(.progress(info, "\(target.name) is \(release.status) (version \(release.version)); waiting for it to finish before the change"))
                said = true
            }
            do { try await Task.sleep(for: context.interval) } catch {
                throw StepFailure(.interrupted, "interrupted while waiting for \(target.name) to settle")
            }
        }
    }

    /// The id of a chart by name and version, from the project's charts, read through transient
    /// errors until the step's deadline.
    private func chartID(
        name: String, version: String, of release: String, _ info: StepInfo, deadline: ContinuousClock.Instant
    ) async throws(StepFailure) -> String {
        try await chartID(name: name, version: version, of: release) { () async throws(StepFailure) in
            try await readThrough(info, deadline: deadline) { () async throws(AutopilotError) in try await api.charts() }
        }
    }

    /// The chart a change is sent with: the one `set chart` named, else that of `release` (the
    /// release now for an upgrade, the version gone back to for a rollback).
    private func chart(
        of change: PendingChange, else release: Release, _ target: ResolvedRelease, _ info: StepInfo, deadline: ContinuousClock.Instant
    ) async throws(StepFailure) -> String {
        if let named = change.chart { return try await chartID(named: named) }
        return try await chartID(name: release.chartName, version: release.chartVersion, of: target.name, info, deadline: deadline)
    }

    /// The id of a chart a statement names: an id as it is, or a name the project has one chart
    /// of (as `group … of chart <name>` takes it); a name several versions share, or none has, is
    /// an error that says what there is.
    func chartID(named written: String) async throws(StepFailure) -> String {
        if ClusterID.isWellFormed(written) || (mode == .plan && !readsLive) { return written }
        let charts = try await call { () async throws(AutopilotError) in try await api.charts() }
        chartCache = charts
        let named = charts.filter { $0.name == written }
        if named.count == 1 { return named[0].id }
        guard named.isEmpty else {
            let versions = named.map { "\($0.version) (\($0.id))" }.joined(separator: ", ")
            throw StepFailure(.invalid, "chart '\(written)' has \(named.count) versions, \(versions): name one by its id")
        }
        let note = Suggest.closest(to: written, in: charts.map(\.name)).map { "; " + Suggest.didYouMean($0) } ?? ""
        throw StepFailure(.invalid, "no chart '\(written)' in the project, by id or name\(note)")
    }

    /// The id of a chart by name and version, from the charts listed last, else from `listing`.
    func chartID(
        name: String, version: String, of release: String, listing: () async throws(StepFailure) -> [Chart]
    ) async throws(StepFailure) -> String {
        if let cached = chartCache.flatMap({ Self.chart(of: name, version, in: $0) }) { return cached.id }
        let charts = try await listing()
        chartCache = charts
        guard let chart = Self.chart(of: name, version, in: charts) else {
            throw StepFailure(.api, "cannot find the chart of \(release) (\(name) \(version)) among the project's charts; add 'set chart <id>'")
        }
        return chart.id
    }
}
