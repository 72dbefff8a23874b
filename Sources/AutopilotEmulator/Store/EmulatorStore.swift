import AutopilotClient
import Foundation
import NIOCore
import Synchronization

/// The emulator's state: clusters, releases with every version, and charts. Safe under concurrent
/// requests; every answered write is on disk first when a state file is set.
public final class EmulatorStore: Sendable {
    struct State: Sendable {
        var clusters: [String: EmulatedCluster] = [:]
        var releases: [ReleaseKey: StoredRelease] = [:]
        var charts: [String: StoredChart] = [:]
        /// Accepted changes per release, for tests that prove no change is applied twice.
        var changeCounts: [ReleaseKey: Int] = [:]
    }

    private let state: Mutex<State>
    private let persistence: Persistence?
    /// The fault rules and deploy time, changeable while running.
    let settings: Mutex<EmulatorSettings>
    /// The requests answered under `requestsPerSecond`.
    let requestRate = RequestRate()
    /// The API requests admitted and throttled so far.
    let requestCounts = RequestCounts()
    private let now: @Sendable () -> Double
    private let showAnswers = ShowAnswers()

    init(
        clusters: [EmulatedCluster], settings: EmulatorSettings, persistence: Persistence?,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        var initial = State()
        for cluster in clusters { initial.clusters[cluster.id] = cluster }
        if let persistence {
            let saved = try persistence.load()
            for release in saved.releases { initial.releases[release.key] = release }
            for chart in saved.charts { initial.charts[chart.id] = chart }
            initial.changeCounts = saved.changeCounts
        }
        self.state = Mutex(initial)
        self.settings = Mutex(settings)
        self.persistence = persistence
        self.now = now
    }

    /// The deploy time and faults in force.
    public var currentSettings: EmulatorSettings { settings.withLock { $0 } }

    /// Replaces the faults in force.
    public func setFaults(_ faults: FaultSettings) { settings.withLock { $0.faults = faults } }

    /// True when the store holds no release and no chart (a new state file).
    var isEmpty: Bool { state.withLock { $0.releases.isEmpty && $0.charts.isEmpty } }

    // MARK: Releases

    /// The latest version of every release of a cluster, optionally filtered.
    func releases(cluster: String, namespace: String?, chartID: String?) throws(EmulatorError) -> [Release] {
        let now = now()
        return try state.withLock { (state) throws(EmulatorError) -> [Release] in
            let cluster = try Self.cluster(cluster, in: state)
            if let namespace, !namespace.isEmpty { try Self.requireNamespace(namespace, in: cluster) }
            return state.releases.values
                .filter { $0.clusterID == cluster.id && !$0.isGone(at: now) }
                .filter { namespace == nil || namespace == "" || $0.namespace == namespace }
                .filter { chartID == nil || chartID == "" || $0.latest.chartID == chartID }
                .sorted { $0.key < $1.key }
                .map { Self.view($0, $0.latest, cluster: cluster, now: now) }
        }
    }

    /// A release as it is now.
    func release(cluster: String, namespace: String, name: String) throws(EmulatorError) -> Release {
        let now = now()
        return try state.withLock { (state) throws(EmulatorError) -> Release in
            let (cluster, release) = try Self.existing(cluster, namespace, name, in: state, now: now)
            return Self.view(release, release.latest, cluster: cluster, now: now)
        }
    }

    /// A release as it is now, as the JSON bytes of the `show` answer; nil when there is no such
    /// release (the generated handler then makes the error answer).
    func showAnswer(cluster: String, namespace: String, name: String) -> ByteBuffer? {
        let now = now()
        let key = ReleaseKey(clusterID: cluster, namespace: namespace, name: name)
        let found = state.withLock { state in
            (try? Self.existing(cluster, namespace, name, in: state, now: now))
                .map { ($0, $1, state.changeCounts[key] ?? 0) }
        }
        guard let (cluster, release, changeCount) = found else {
            showAnswers.forget(key)
            return nil
        }
        let stamp = ShowAnswers.Stamp(changeCount: changeCount, status: release.status(at: now))
        return showAnswers.body(for: key, at: stamp) { Self.view(release, release.latest, cluster: cluster, now: now) }
    }

    /// Every version of a release, oldest first.
    func history(cluster: String, namespace: String, name: String) throws(EmulatorError) -> [Release] {
        let now = now()
        return try state.withLock { (state) throws(EmulatorError) -> [Release] in
            let (cluster, release) = try Self.existing(cluster, namespace, name, in: state, now: now)
            return release.versions.map { Self.view(release, $0, cluster: cluster, now: now) }
        }
    }

    /// Installs a chart as a new release (version 1, `PENDING_INSTALL`).
    func create(cluster clusterID: String, _ request: CreateRequest) throws(EmulatorError) -> Release {
        let now = now()
        let settings = settings.withLock { $0 }
        return try mutate { (state) throws(EmulatorError) -> (Release, StoredRelease?) in
            let cluster = try Self.cluster(clusterID, in: state)
            try Self.requireNamespace(request.namespace, in: cluster)
            try Self.requireRoom(in: state, settings: settings, now: now)
            try Self.validate(releaseName: request.name)
            let chart = try Self.chart(request.chartID, in: state)
            guard request.chartVersion == chart.version else {
                throw .badRequest("Chart \(chart.name) has version \(chart.version), not \(request.chartVersion)")
            }
            let key = ReleaseKey(clusterID: cluster.id, namespace: request.namespace, name: request.name)
            if let existing = state.releases[key], !existing.isGone(at: now) {
                throw .conflict("Release \(request.name) already exists in namespace \(request.namespace)")
            }
            let values = JSONValue.installed(chartDefaults: chart.values, change: request.values.json)
            let version = StoredVersion(
                version: 1, chartID: chart.id, chartName: chart.name, chartVersion: chart.version, values: values,
                parameters: request.parameters.json, description: request.description ?? "",
                pendingStatus: ReleaseStatus.pendingInstall.rawValue,
                finalStatus: settings.faults.deployFails(release: request.name, values: values) ? "FAILED" : "DEPLOYED",
                readyAt: settings.readyTime(for: request.name, from: now), updatedAt: now,
                health: settings.faults.servesSick(release: request.name) ? ReleaseTraffic.Health.sick.rawValue : nil)
            let release = StoredRelease(
                clusterID: cluster.id, namespace: request.namespace, name: request.name, createdAt: now,
                versions: [version])
            let view = Self.view(release, version, cluster: cluster, now: now)
            if request.parameters.dryRun == true { return (view, nil) }
            state.releases[key] = release
            state.changeCounts[key, default: 0] += 1
            return (view, release)
        }
    }

    /// Upgrades or rolls back a release: a new version, pending until the deploy time has passed.
    func update(
        cluster clusterID: String, namespace: String, name: String, _ request: UpdateRequest
    ) throws(EmulatorError) -> Release {
        let now = now()
        let settings = settings.withLock { $0 }
        return try mutate { (state) throws(EmulatorError) -> (Release, StoredRelease?) in
            let (cluster, current) = try Self.existing(clusterID, namespace, name, in: state, now: now)
            let status = current.status(at: now)
            guard let action = ReleaseAction(rawValue: request.action) else {
                throw .badRequest("Unknown action '\(request.action)': use upgrade or rollback")
            }
            if status.isPending {
                throw .conflict("Update release is forbidden: release \(name) is \(status.rawValue)")
            }
            try Self.requireRoom(in: state, settings: settings, now: now)
            var release = current
            let next: StoredVersion
            switch action {
            case .upgrade:
                let chart = try Self.chart(request.chartID, in: state)
                let values = JSONValue.upgraded(
                    current: current.latest.values, chartDefaults: chart.values, change: request.values.json,
                    resetValues: request.parameters.resetValues == true)
                next = StoredVersion(
                    version: current.latest.version + 1, chartID: chart.id, chartName: chart.name,
                    chartVersion: chart.version, values: values, parameters: request.parameters.json,
                    description: "", pendingStatus: ReleaseStatus.pendingUpgrade.rawValue,
                    finalStatus: settings.faults.deployFails(release: name, values: values) ? "FAILED" : "DEPLOYED",
                    readyAt: settings.readyTime(for: name, from: now), updatedAt: now,
                    health: settings.faults.servesSick(release: name) ? ReleaseTraffic.Health.sick.rawValue : nil)
            case .rollback:
                guard let target = request.parameters.releaseVersion else {
                    throw .badRequest("A rollback needs parameters.release_version")
                }
                guard let old = current.versions.first(where: { $0.version == target }) else {
                    throw .notFound("Release \(name) has no version \(target)")
                }
                next = StoredVersion(
                    version: current.latest.version + 1, chartID: old.chartID, chartName: old.chartName,
                    chartVersion: old.chartVersion, values: old.values, parameters: request.parameters.json,
                    description: "Rollback to \(target)", pendingStatus: ReleaseStatus.pendingRollback.rawValue,
                    finalStatus: settings.faults.deployFails(release: name, values: old.values) ? "FAILED" : "DEPLOYED",
                    readyAt: settings.readyTime(for: name, from: now), updatedAt: now, health: old.health)
            }
            release.versions.append(next)
            let view = Self.view(release, next, cluster: cluster, now: now)
            if request.parameters.dryRun == true { return (view, nil) }
            state.releases[release.key] = release
            state.changeCounts[release.key, default: 0] += 1
            return (view, release)
        }
    }

    /// Deletes a release: `DELETING` for the deploy time, then gone.
    func delete(cluster clusterID: String, namespace: String, name: String) throws(EmulatorError) {
        let now = now()
        let settings = settings.withLock { $0 }
        _ = try mutate { (state) throws(EmulatorError) -> (Release, StoredRelease?) in
            let (cluster, current) = try Self.existing(clusterID, namespace, name, in: state, now: now)
            let status = current.status(at: now)
            if status.isPending {
                throw .conflict("Delete release is forbidden: release \(name) is \(status.rawValue)")
            }
            try Self.requireRoom(in: state, settings: settings, now: now)
            var release = current
            release.deletingUntil = settings.readyTime(for: name, from: now)
            state.releases[release.key] = release
            state.changeCounts[release.key, default: 0] += 1
            return (Self.view(release, release.latest, cluster: cluster, now: now), release)
        }
    }

    /// Refuses a change while `concurrentChanges` others are under way, as the real API does.
    private static func requireRoom(in state: State, settings: EmulatorSettings, now: Double) throws(EmulatorError) {
        let limit = settings.faults.concurrentChanges
        guard limit > 0 else { return }
        let underWay = state.releases.values.lazy.filter { !$0.isGone(at: now) && ($0.status(at: now).isPending || $0.status(at: now) == .deleting) }.count
        if underWay >= limit { throw .concurrentLimit(limit) }
    }

    /// The traffic each release that is not gone has served until now, in a steady order, for `/metrics`.
    func traffic() -> [(cluster: EmulatedCluster, release: StoredRelease, traffic: ReleaseTraffic)] {
        let now = now()
        // The copies are the dictionaries' storage shared, not copied: the lock is held for no more than
        // that, and a scrape of a large fleet never holds up the API's requests.
        let (releases, clusters) = state.withLock { ($0.releases, $0.clusters) }
        return releases.values.sorted { $0.key < $1.key }.compactMap { release in
            guard !release.isGone(at: now), let cluster = clusters[release.clusterID] else { return nil }
            return (cluster, release, ReleaseTraffic(release, at: now))
        }
    }

    /// How many changes were accepted for each release (`cluster/namespace/name`).
    public func changeCounts() -> [String: Int] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: state.changeCounts.map { ($0.key.text, $0.value) })
        }
    }

    /// Runs a change under the lock and writes what it returns to disk before the lock is released,
    /// so an answered change is durable and changes reach the disk in order.
    private func mutate(
        _ change: (inout State) throws(EmulatorError) -> (Release, StoredRelease?)
    ) throws(EmulatorError) -> Release {
        try state.withLock { (state) throws(EmulatorError) -> Release in
            var copy = state
            let (view, changed) = try change(&copy)
            if let changed, let persistence {
                do {
                    try persistence.save(changed, changeCount: copy.changeCounts[changed.key] ?? 0)
                } catch {
                    throw EmulatorError(status: 500, code: "CCE.01500001", message: "The state file could not be written")
                }
            }
            state = copy
            return view
        }
    }

    // MARK: Charts

    /// Every chart, oldest first.
    func charts() -> [Chart] {
        state.withLock { $0.charts.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map(Self.view) }
    }

    /// One chart.
    func chart(id: String) throws(EmulatorError) -> Chart {
        try state.withLock { (state) throws(EmulatorError) -> Chart in Self.view(try Self.chart(id, in: state)) }
    }

    /// The package bytes of a chart.
    func chartPackage(id: String) throws(EmulatorError) -> [UInt8] {
        try state.withLock { (state) throws(EmulatorError) -> [UInt8] in try Self.chart(id, in: state).package }
    }

    /// Stores an uploaded package as a new chart, or over the same name and version with `override`.
    func uploadChart(_ bytes: [UInt8], parameters: ChartFormParameters, id: String? = nil) throws(EmulatorError) -> Chart {
        let package = try ChartPackage.read(bytes)
        let now = now()
        return try state.withLock { (state) throws(EmulatorError) -> Chart in
            var chart: StoredChart
            if let id {
                chart = try Self.chart(id, in: state)
                guard chart.name == package.name else {
                    throw .badRequest("Chart \(id) is \(chart.name); the package is \(package.name)")
                }
            } else if let same = state.charts.values.first(where: { $0.name == package.name && $0.version == package.version }) {
                guard parameters.override == true else {
                    throw .conflict("Chart \(package.name) \(package.version) already exists; upload with override to replace it")
                }
                chart = same
            } else {
                guard state.charts.count < EmulatorSettings.chartQuota else {
                    throw EmulatorError(status: 403, code: "CCE.01403001", message: "Chart quota of \(EmulatorSettings.chartQuota) is used up")
                }
                chart = StoredChart(
                    id: UUID().uuidString.lowercased(), name: package.name, version: package.version, values: .null,
                    description: "", source: "package", isPublic: false, createdAt: now, updatedAt: now, package: [])
            }
            chart.version = package.version
            chart.values = package.values
            chart.description = package.description
            chart.source = parameters.source ?? chart.source
            chart.isPublic = parameters.visible ?? chart.isPublic
            chart.package = bytes
            chart.updatedAt = now
            try persist(chart)
            state.charts[chart.id] = chart
            return Self.view(chart)
        }
    }

    /// Deletes a chart that no release uses.
    func deleteChart(id: String) throws(EmulatorError) {
        let now = now()
        try state.withLock { (state) throws(EmulatorError) in
            let chart = try Self.chart(id, in: state)
            if let user = state.releases.values.first(where: { !$0.isGone(at: now) && $0.latest.chartID == id }) {
                throw .conflict("Chart \(chart.name) is used by release \(user.name) in \(user.namespace)")
            }
            if let persistence {
                do { try persistence.deleteChart(id: id) } catch {
                    throw EmulatorError(status: 500, code: "CCE.01500001", message: "The state file could not be written")
                }
            }
            state.charts[id] = nil
        }
    }

    /// How many charts the project has.
    func chartCount() -> Int { state.withLock { $0.charts.count } }

    /// Every cluster, by name.
    func clusterList() -> [EmulatedCluster] { state.withLock { $0.clusters.values.sorted { $0.name < $1.name } } }

    private func persist(_ chart: StoredChart) throws(EmulatorError) {
        guard let persistence else { return }
        do { try persistence.save(chart) } catch {
            throw EmulatorError(status: 500, code: "CCE.01500001", message: "The state file could not be written")
        }
    }

    /// Puts demo data in place (used on a fresh store).
    func seed(charts: [StoredChart], releases: [StoredRelease]) throws {
        try state.withLock { state in
            for chart in charts {
                try persistence?.save(chart)
                state.charts[chart.id] = chart
            }
            for release in releases {
                try persistence?.save(release, changeCount: 0)
                state.releases[release.key] = release
            }
        }
    }

    // MARK: Lookups and views

    private static func cluster(_ id: String, in state: State) throws(EmulatorError) -> EmulatedCluster {
        guard let cluster = state.clusters[id] else { throw .notFound("Cluster \(id) not found") }
        return cluster
    }

    private static func requireNamespace(_ namespace: String, in cluster: EmulatedCluster) throws(EmulatorError) {
        guard cluster.namespaces.contains(namespace) else {
            throw .notFound("Namespace \(namespace) not found in cluster \(cluster.name)")
        }
    }

    private static func existing(
        _ clusterID: String, _ namespace: String, _ name: String, in state: State, now: Double
    ) throws(EmulatorError) -> (EmulatedCluster, StoredRelease) {
        let cluster = try cluster(clusterID, in: state)
        try requireNamespace(namespace, in: cluster)
        let key = ReleaseKey(clusterID: cluster.id, namespace: namespace, name: name)
        guard let release = state.releases[key], !release.isGone(at: now) else {
            throw .notFound("Release \(name) not found in namespace \(namespace)")
        }
        return (cluster, release)
    }

    private static func chart(_ id: String, in state: State) throws(EmulatorError) -> StoredChart {
        guard let chart = state.charts[id] else { throw .notFound("Chart \(id) not found") }
        return chart
    }

    /// Refuses a release name the API would refuse (`ReleaseName`), with the API's kind of message.
    static func validate(releaseName name: String) throws(EmulatorError) {
        if let problem = ReleaseName.problem(name) {
            throw .badRequest("Invalid release name '\(name.prefix(64))': \(problem)")
        }
    }

    static func view(_ release: StoredRelease, _ version: StoredVersion, cluster: EmulatedCluster, now: Double) -> Release {
        let isLatest = version.version == release.latest.version
        let status = isLatest ? release.status(at: now) : version.status(at: now)
        let description = version.description.isEmpty ? Self.describe(status, version: version) : version.description
        return Release(
            name: release.name, namespace: release.namespace, clusterID: cluster.id, clusterName: cluster.name,
            chartName: version.chartName, chartVersion: version.chartVersion, chartPublic: false,
            version: version.version, status: status, statusDescription: description, description: description,
            values: version.values, parameters: version.parameters, resources: .object([:]),
            createdAt: Timestamp.text(release.createdAt), updatedAt: Timestamp.text(version.updatedAt))
    }

    private static func describe(_ status: ReleaseStatus, version: StoredVersion) -> String {
        switch status {
        case .pendingInstall: return "Initial install underway"
        case .pendingUpgrade: return "Upgrade underway"
        case .pendingRollback: return "Rollback underway"
        case .deleting: return "Deletion in progress"
        case .failed: return "Deploy failed: the new pods did not become ready"
        default: return version.version == 1 ? "Install complete" : "Upgrade complete"
        }
    }

    static func view(_ chart: StoredChart) -> Chart {
        Chart(
            id: chart.id, name: chart.name, version: chart.version, values: chart.values, description: chart.description,
            source: chart.source, iconURL: "", isPublic: chart.isPublic, chartURL: "", translate: "", instruction: "",
            createdAt: Timestamp.text(chart.createdAt), updatedAt: Timestamp.text(chart.updatedAt))
    }
}

/// The fields of a create request the store needs.
struct CreateRequest: Sendable {
    var chartID: String
    var name: String
    var namespace: String
    var chartVersion: String
    var description: String?
    var values: ReleaseValues
    var parameters: ReleaseParameters
}

/// The fields of an update request the store needs.
struct UpdateRequest: Sendable {
    var chartID: String
    var action: String
    var values: ReleaseValues
    var parameters: ReleaseParameters
}

/// The parameters form field of a chart upload.
struct ChartFormParameters: Sendable {
    var override: Bool?
    var visible: Bool?
    var source: String?
}

/// Timestamps as CCE writes them: `2023-11-14T20:30:57+00:00`.
enum Timestamp {
    static func text(_ seconds: Double) -> String { UTCTime(secondsSince1970: Int(seconds.rounded(.down))).isoText }
}
