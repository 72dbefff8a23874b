public import AutopilotModels
import Synchronization

/// The API a plan runs against: it sends no change, records every call, and answers reads with
/// what the script itself has done (a release it upgraded is at the next version, deployed, with
/// the values it set; one it uninstalled is gone), else from the live target when it has one
/// (`plan --live`), else with placeholders.
public final class RecordingAPI: ReleaseAPI {
    private let record: @Sendable (ReleaseCall) -> Void
    private let live: (any ReleaseAPI)?
    private let releases = Mutex<[String: Release]>([:])
    private let gone = Mutex<Set<String>>([])

    /// A recorder that hands each call to `record` as it is made, and reads through `live`.
    public init(live: (any ReleaseAPI)? = nil, record: @escaping @Sendable (ReleaseCall) -> Void) {
        self.live = live
        self.record = record
    }

    /// The chart of a release the plan has not read, as the plan shows it: one for all, so that
    /// looking charts up goes as in a run, where one list holds every release's chart.
    static let placeholderChart = Chart(id: "<the release's chart>", name: "<the release's chart>", version: "<chart version>")

    private static func key(_ name: String, _ namespace: String, _ cluster: String) -> String { "\(cluster)/\(namespace)/\(name)" }

    /// The release as the plan has it: what the script made of it, else the live one, else a
    /// deployed placeholder at version 2.
    private func current(_ name: String, _ namespace: String, _ cluster: String) async throws(AutopilotError) -> Release {
        let key = Self.key(name, namespace, cluster)
        if gone.withLock({ $0.contains(key) }) {
            throw AutopilotError(kind: .api, httpStatus: 404, message: "Release \(name) not found (it is uninstalled earlier in this plan)")
        }
        if let live, releases.withLock({ $0[key] }) == nil {
            let found = try await live.release(name, in: namespace, cluster: cluster, showResources: false)
            releases.withLock { $0[key] = $0[key] ?? found }
        }
        return releases.withLock { releases in
            if let known = releases[key] { return known }
            let placeholder = Release(
                name: name, namespace: namespace, clusterID: cluster, chartName: Self.placeholderChart.name,
                chartVersion: Self.placeholderChart.version, version: 2, status: .deployed)
            releases[key] = placeholder
            return placeholder
        }
    }

    private func store(_ release: Release) {
        let key = Self.key(release.name, release.namespace, release.clusterID)
        gone.withLock { _ = $0.remove(key) }
        releases.withLock { $0[key] = release }
    }

    public func releases(in cluster: String, namespace: String?, chart: String?) async throws(AutopilotError) -> [Release] {
        record(.releases(cluster: cluster, namespace: namespace, chart: chart))
        if let live { return try await live.releases(in: cluster, namespace: namespace, chart: chart) }
        return releases.withLock { Array($0.values) }
            .filter { $0.clusterID == cluster && (namespace == nil || $0.namespace == namespace) }
            .sorted { $0.name < $1.name }
    }

    public func release(_ name: String, in namespace: String, cluster: String, showResources: Bool) async throws(AutopilotError) -> Release {
        record(.release(name: name, namespace: namespace, cluster: cluster))
        return try await current(name, namespace, cluster)
    }

    public func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release] {
        record(.history(name: name, namespace: namespace, cluster: cluster))
        let key = Self.key(name, namespace, cluster)
        if let live, releases.withLock({ $0[key] }) == nil, !gone.withLock({ $0.contains(key) }) {
            return try await live.history(of: name, in: namespace, cluster: cluster)
        }
        let now = try await current(name, namespace, cluster)
        return (1...max(1, now.version)).map { version in
            var earlier = now
            earlier.version = version
            return earlier
        }
    }

    public func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues, parameters: ReleaseParameters?, description: String?
    ) async throws(AutopilotError) -> Answered<Release> {
        record(
            .install(
                name: name, namespace: namespace, cluster: cluster, chart: chart, chartVersion: chartVersion, values: values,
                parameters: parameters, description: description))
        let made = Release(
            name: name, namespace: namespace, clusterID: cluster, chartName: Self.placeholderChart.name,
            chartVersion: Self.placeholderChart.version, version: 1, status: .deployed, values: values.json)
        if parameters?.dryRun != true { store(made) }
        return Answered(made, requestID: nil)
    }

    public func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Answered<Release> {
        record(.update(name: name, namespace: namespace, cluster: cluster, action: action, chart: chart, values: values, parameters: parameters))
        var next = try await current(name, namespace, cluster)
        next.version += 1
        next.status = .deployed
        if action == .upgrade {
            next.values = JSONValue.upgraded(
                current: next.values, chartDefaults: .object([:]), change: values.json, resetValues: parameters.resetValues == true)
        }
        if parameters.dryRun != true { store(next) }
        return Answered(next, requestID: nil)
    }

    public func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> Answered<Void> {
        record(.uninstall(name: name, namespace: namespace, cluster: cluster))
        _ = try await current(name, namespace, cluster)
        let key = Self.key(name, namespace, cluster)
        releases.withLock { _ = $0.removeValue(forKey: key) }
        gone.withLock { _ = $0.insert(key) }
        return Answered((), requestID: nil)
    }

    public func charts() async throws(AutopilotError) -> [Chart] {
        record(.charts)
        if let live { return try await live.charts() }
        return [Self.placeholderChart]
    }

    public func chart(_ id: String) async throws(AutopilotError) -> Chart {
        record(.chart(id: id))
        if let live { return try await live.chart(id) }
        return Chart(id: id, name: "<chart \(id)>", version: Self.placeholderChart.version)
    }

    public func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue {
        record(.chartValues(id: id))
        if let live { return try await live.chartValues(id) }
        return .object([:])
    }

    public func clusters() async throws(AutopilotError) -> [Cluster] {
        record(.clusters)
        if let live { return try await live.clusters() }
        return []
    }
}
