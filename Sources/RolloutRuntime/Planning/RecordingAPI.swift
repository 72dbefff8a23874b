public import AutopilotModels
import Synchronization

/// The API a plan runs against: it sends nothing, records every call, and answers reads with
/// placeholders or with what the script itself has done (a release it upgraded is at the next
/// version, deployed, with the values it set; one it uninstalled is gone).
public final class RecordingAPI: ReleaseAPI {
    private let record: @Sendable (ReleaseCall) -> Void
    private let releases = Mutex<[String: Release]>([:])
    private let gone = Mutex<Set<String>>([])

    /// A recorder that hands each call to `record` as it is made.
    public init(record: @escaping @Sendable (ReleaseCall) -> Void) {
        self.record = record
    }

    /// The chart of a release the plan has not read, as the plan shows it: one for all, so that
    /// looking charts up goes as in a run, where one list holds every release's chart.
    static let placeholderChart = Chart(id: "<the release's chart>", name: "<the release's chart>", version: "<chart version>")

    private static func key(_ name: String, _ namespace: String, _ cluster: String) -> String { "\(cluster)/\(namespace)/\(name)" }

    /// The release as the plan has it: what the script made of it, or a deployed placeholder at version 2.
    private func current(_ name: String, _ namespace: String, _ cluster: String) throws(AutopilotError) -> Release {
        let key = Self.key(name, namespace, cluster)
        if gone.withLock({ $0.contains(key) }) {
            throw AutopilotError(kind: .api, httpStatus: 404, message: "Release \(name) not found (it is uninstalled earlier in this plan)")
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
        return releases.withLock { Array($0.values) }
            .filter { $0.clusterID == cluster && (namespace == nil || $0.namespace == namespace) }
            .sorted { $0.name < $1.name }
    }

    public func release(_ name: String, in namespace: String, cluster: String, showResources: Bool) async throws(AutopilotError) -> Release {
        record(.release(name: name, namespace: namespace, cluster: cluster))
        return try current(name, namespace, cluster)
    }

    public func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release] {
        record(.history(name: name, namespace: namespace, cluster: cluster))
        let now = try current(name, namespace, cluster)
        return (1...max(1, now.version)).map { version in
            var earlier = now
            earlier.version = version
            return earlier
        }
    }

    public func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues, parameters: ReleaseParameters?, description: String?
    ) async throws(AutopilotError) -> Release {
        record(
            .install(
                name: name, namespace: namespace, cluster: cluster, chart: chart, chartVersion: chartVersion, values: values,
                parameters: parameters, description: description))
        let made = Release(
            name: name, namespace: namespace, clusterID: cluster, chartName: Self.placeholderChart.name,
            chartVersion: Self.placeholderChart.version, version: 1, status: .deployed, values: values.json)
        if parameters?.dryRun != true { store(made) }
        return made
    }

    public func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Release {
        record(.update(name: name, namespace: namespace, cluster: cluster, action: action, chart: chart, values: values, parameters: parameters))
        var next = try current(name, namespace, cluster)
        next.version += 1
        next.status = .deployed
        if action == .upgrade { next.values = next.values.merging(values.json) }
        if parameters.dryRun != true { store(next) }
        return next
    }

    public func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) {
        record(.uninstall(name: name, namespace: namespace, cluster: cluster))
        _ = try current(name, namespace, cluster)
        let key = Self.key(name, namespace, cluster)
        releases.withLock { _ = $0.removeValue(forKey: key) }
        gone.withLock { _ = $0.insert(key) }
    }

    public func charts() async throws(AutopilotError) -> [Chart] {
        record(.charts)
        return [Self.placeholderChart]
    }

    public func chart(_ id: String) async throws(AutopilotError) -> Chart {
        record(.chart(id: id))
        return Chart(id: id, name: "<chart \(id)>", version: Self.placeholderChart.version)
    }

    public func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue {
        record(.chartValues(id: id))
        return .object([:])
    }
}
