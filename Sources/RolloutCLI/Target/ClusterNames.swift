import AutopilotClient
import RolloutRuntime
import RolloutSyntax
import Synchronization

/// The project's clusters by name, read once per target (ListAutopilotClusters) when a statement
/// first names a cluster by something other than its id or a profile alias, and kept for the run.
/// On the real cloud a user's first `use cluster shop-prod` works without copying a UUID.
final class ClusterNames: Sendable {
    private let client: AutopilotClient
    private let loaded = Mutex<Task<[Cluster], any Error>?>(nil)

    init(client: AutopilotClient) { self.client = client }

    /// The project's clusters, read at the first need and kept (a failed read is tried again).
    func clusters() async throws(AutopilotError) -> [Cluster] {
        let task = loaded.withLock { task in
            if let task { return task }
            let client = client
            let made = Task { () async throws -> [Cluster] in try await client.clusters() }
            task = made
            return made
        }
        do {
            return try await task.value
        } catch {
            loaded.withLock { $0 = nil }
            throw (error as? AutopilotError) ?? AutopilotError(kind: .invalidResponse, message: "\(error)")
        }
    }

    /// The id of the cluster `written` names: an id as it is, else the one cluster of that name
    /// (or, failing that, of that console alias). Unknown and ambiguous names are errors that say
    /// what the project has.
    func id(of written: String) async throws(AutopilotError) -> String {
        if ClusterID.isWellFormed(written) { return written }
        let clusters: [Cluster]
        do { clusters = try await self.clusters() } catch {
            var failure = error
            failure.message = "cannot find cluster '\(written)': the project's clusters could not be listed (\(error.message)); name the cluster by its id"
            throw failure
        }
        return try Self.pick(written, in: clusters)
    }

    /// The rule of `id(of:)` over a list: a name first, then a console alias.
    static func pick(_ written: String, in clusters: [Cluster]) throws(AutopilotError) -> String {
        let named = clusters.filter { $0.name == written }
        let found = named.isEmpty ? clusters.filter { !$0.alias.isEmpty && $0.alias == written } : named
        if found.count == 1 { return found[0].id }
        if found.count > 1 {
            let ids = found.map(\.id).joined(separator: ", ")
            throw AutopilotError(
                kind: .invalidRequest, message: "cluster '\(written)' is ambiguous: \(found.count) clusters go by it (\(ids)); name one by its id")
        }
        let names = clusters.map(\.name)
        let note = Suggest.closest(to: written, in: names).map { "; " + Suggest.didYouMean($0) }
            ?? (names.isEmpty ? "; the project has no clusters" : " (the project's clusters: \(names.sorted().prefix(10).joined(separator: ", ")))")
        throw AutopilotError(kind: .invalidRequest, message: "no cluster '\(written)' in the project\(note)")
    }
}

/// The client as scripts use it on the cloud: every call's cluster may be a name, resolved by
/// `ClusterNames` before the call goes out.
struct NamedClusters: ReleaseAPI {
    let client: AutopilotClient
    let names: ClusterNames

    func releases(in cluster: String, namespace: String?, chart: String?) async throws(AutopilotError) -> [Release] {
        try await client.releases(in: try await names.id(of: cluster), namespace: namespace, chart: chart)
    }

    func release(_ name: String, in namespace: String, cluster: String, showResources: Bool) async throws(AutopilotError) -> Release {
        try await client.release(name, in: namespace, cluster: try await names.id(of: cluster), showResources: showResources)
    }

    func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release] {
        try await client.history(of: name, in: namespace, cluster: try await names.id(of: cluster))
    }

    func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues, parameters: ReleaseParameters?, description: String?
    ) async throws(AutopilotError) -> Answered<Release> {
        try await client.install(
            release: name, in: namespace, cluster: try await names.id(of: cluster), chart: chart, chartVersion: chartVersion,
            values: values, parameters: parameters, description: description)
    }

    func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Answered<Release> {
        try await client.update(
            release: name, in: namespace, cluster: try await names.id(of: cluster), action: action, chart: chart, values: values,
            parameters: parameters)
    }

    func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> Answered<Void> {
        try await client.uninstall(release: name, in: namespace, cluster: try await names.id(of: cluster))
    }

    func charts() async throws(AutopilotError) -> [Chart] { try await client.charts() }

    func chart(_ id: String) async throws(AutopilotError) -> Chart { try await client.chart(id) }

    func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue { try await client.chartValues(id) }

    func clusters() async throws(AutopilotError) -> [Cluster] { try await names.clusters() }
}
