public import AutopilotModels
import RolloutSyntax

/// What a change would do to a release, or what changed between two of its versions: the values
/// diff, and the chart when that changes too. Worked out by reading only.
public struct ChangePreview: Sendable, Equatable {
    /// The release.
    public var release: String
    /// What is compared, in words (`testwww version 3 → the upgrade`).
    public var title: String
    /// The values that change.
    public var diff: ValuesDiff
    /// The chart before and after, when it changes (`magento-mysql 1.0.0 → magento-mysql 1.1.0`).
    public var chart: String?

    /// True when neither values nor chart change.
    public var isEmpty: Bool { diff.isEmpty && chart == nil }

    /// The preview as lines: the title, then `~ path: old → new`, `+ path: new`, `- path: old`,
    /// each line given to `paint` with its kind (the command colours them on a terminal). Values
    /// are the server's, so their control characters are made visible.
    public func lines(_ paint: (ValuesDiff.Change.Kind, String) -> String = { $1 }) -> [String] {
        guard !isEmpty else { return ["\(title): no changes".terminalSafe] }
        var lines = [title.terminalSafe]
        if let chart { lines.append(paint(.changed, "  ~ chart: \(chart)".terminalSafe)) }
        for change in diff.changes {
            switch change.kind {
            case .changed: lines.append(paint(.changed, "  ~ \(change.path): \(change.oldText ?? "") → \(change.newText ?? "")".terminalSafe))
            case .added: lines.append(paint(.added, "  + \(change.path): \(change.newText ?? "")".terminalSafe))
            case .removed: lines.append(paint(.removed, "  - \(change.path): \(change.oldText ?? "")".terminalSafe))
            }
        }
        return lines
    }
}

extension Interpreter {
    /// `diff`: the pending change against the release now, or two versions of its history.
    func diff(_ target: ResolvedRelease, from: Word?, to: Word?) async throws(StepFailure) -> StepResult {
        guard let from else {
            let change = context.change
            guard !change.isEmpty else {
                throw StepFailure(
                    .invalid,
                    "nothing is set for the next change of \(target.name): set tag, value or chart first, or compare two versions (\(Keyword.diff.example))")
            }
            let current = try await call { () async throws(AutopilotError) in
                try await api.release(target.name, in: target.namespace, cluster: target.cluster, showResources: false)
            }
            return .diff(try await upgradePreview(target, current: current, change: change, chart: nil))
        }
        let first = try version(from)
        let second = try to.map { (word) throws(StepFailure) -> Int in try version(word) }
        let versions = try await call { () async throws(AutopilotError) in
            try await api.history(of: target.name, in: target.namespace, cluster: target.cluster)
        }
        func find(_ number: Int) throws(StepFailure) -> Release {
            guard let found = versions.first(where: { $0.version == number }) else { throw Self.noVersion(number, of: target.name, in: versions) }
            return found
        }
        let old = try find(first)
        guard let latest = versions.max(by: { $0.version < $1.version }) else {
            throw StepFailure(.api, "\(target.name) has no versions")
        }
        let new = try second.map { (number) throws(StepFailure) -> Release in try find(number) } ?? latest
        return .diff(Self.compare(old, new, title: "\(target.name) version \(old.version) → version \(new.version)\(second == nil ? " (current)" : "")"))
    }

    /// What an upgrade that sends `change` would make of `current`: its values merged as the
    /// service merges them (over the chart's defaults with reset-values), and its chart.
    func upgradePreview(
        _ target: ResolvedRelease, current: Release, change: PendingChange, chart chosen: String?
    ) async throws(StepFailure) -> ChangePreview {
        var chartText: String?
        var chartID = chosen
        if let set = change.chart {
            let id = try await self.chartID(named: set)
            let chart = try await call { () async throws(AutopilotError) in try await api.chart(id) }
            if chart.name != current.chartName || chart.version != current.chartVersion {
                chartText = "\(current.chartName) \(current.chartVersion) → \(chart.name) \(chart.version)"
            }
            chartID = chart.id
        }
        let reset = change.flags[.resetValues] == true
        var defaults: JSONValue = .object([:])
        if reset {
            if chartID == nil {
                chartID = try await self.chartID(name: current.chartName, version: current.chartVersion, of: target.name) { () async throws(StepFailure) in
                    try await call { () async throws(AutopilotError) in try await api.charts() }
                }
            }
            let id = chartID ?? ""
            defaults = try await call { () async throws(AutopilotError) in try await api.chartValues(id) }
        }
        let after = JSONValue.upgraded(current: current.values, chartDefaults: defaults, change: change.releaseValues.json, resetValues: reset)
        return ChangePreview(
            release: target.name, title: "\(target.name) version \(current.version) → the upgrade", diff: ValuesDiff(from: current.values, to: after),
            chart: chartText)
    }

    /// What a statement that changes a release would do, for step mode and the prompt's
    /// confirmation to show before it runs; nil when it is not such a statement or the reads fail
    /// (the step itself then says why). The context is left as it was.
    func preview(of kind: StatementKind) async -> ChangePreview? {
        let saved = (context, releaseTarget)
        defer { (context, releaseTarget) = saved }
        guard let statement = kind.call else { return nil }
        do throws(StepFailure) {
            switch statement.keyword {
            case .upgrade:
                let resolved = try resolve(statement)
                let current = try await call { () async throws(AutopilotError) in
                    try await api.release(resolved.name, in: resolved.namespace, cluster: resolved.cluster, showResources: false)
                }
                return try await upgradePreview(resolved, current: current, change: context.change, chart: nil)
            case .rollback:
                let resolved = try resolve(statement)
                let number = try statement[.version].map { (word) throws(StepFailure) -> Int in try self.version(word) }
                let versions = try await call { () async throws(AutopilotError) in
                    try await api.history(of: resolved.name, in: resolved.namespace, cluster: resolved.cluster)
                }
                guard let current = versions.max(by: { $0.version < $1.version }),
                    let goal = Self.rollbackGoal(number, in: versions, current: current)
                else { return nil }
                return Self.rollbackPreview(current, to: goal)
            case .install:
                let resolved = try resolve(statement)
                let id = try expand(statement[.chart])
                let defaults = try await call { () async throws(AutopilotError) in try await api.chartValues(id) }
                let after = JSONValue.installed(chartDefaults: defaults, change: context.change.releaseValues.json)
                return ChangePreview(
                    release: resolved.name, title: "\(resolved.name): a new release", diff: ValuesDiff(from: .object([:]), to: after), chart: nil)
            default:
                return nil
            }
        } catch {
            return nil
        }
    }

    /// The chart of a name and version among charts.
    static func chart(of name: String, _ version: String, in charts: [Chart]) -> Chart? {
        charts.first { $0.name == name && $0.version == version }
    }

    /// The version a rollback goes to: the one named, or the last deployed one before the current.
    static func rollbackGoal(_ version: Int?, in versions: [Release], current: Release) -> Release? {
        if let version { return versions.first { $0.version == version } }
        return versions.filter { $0.version < current.version && $0.status == .deployed }.max { $0.version < $1.version }
    }

    /// A version a release does not have, with those it has.
    static func noVersion(_ number: Int, of release: String, in versions: [Release]) -> StepFailure {
        let known = versions.map(\.version).sorted().map(String.init).joined(separator: ", ")
        return StepFailure(.api, "\(release) has no version \(number) (it has \(known.isEmpty ? "none" : known))")
    }

    /// What a rollback from the current version to `goal` changes.
    static func rollbackPreview(_ current: Release, to goal: Release) -> ChangePreview {
        compare(current, goal, title: "\(goal.name) version \(current.version) → rollback to version \(goal.version)")
    }

    /// Two versions of a release compared: values and chart.
    static func compare(_ old: Release, _ new: Release, title: String) -> ChangePreview {
        let oldChart = "\(old.chartName) \(old.chartVersion)"
        let newChart = "\(new.chartName) \(new.chartVersion)"
        return ChangePreview(
            release: new.name, title: title, diff: ValuesDiff(from: old.values, to: new.values),
            chart: oldChart == newChart ? nil : "\(oldChart) → \(newChart)")
    }

    /// A version number from a word.
    func version(_ word: Word) throws(StepFailure) -> Int {
        let text = try expand(word)
        guard let number = Int(text), number >= 1 else { throw StepFailure(.invalid, "'\(text)' is not a version") }
        return number
    }
}
