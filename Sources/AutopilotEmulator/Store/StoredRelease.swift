import AutopilotClient

/// One version of a release as the emulator keeps it: the status it shows while pending, the one
/// it settles on, and when.
struct StoredVersion: Codable, Sendable, Hashable {
    var version: Int
    var chartID: String
    var chartName: String
    var chartVersion: String
    var values: JSONValue
    var parameters: JSONValue
    var description: String
    /// `PENDING_INSTALL`, `PENDING_UPGRADE` or `PENDING_ROLLBACK`.
    var pendingStatus: String
    /// `DEPLOYED` or `FAILED`, shown from `readyAt` on.
    var finalStatus: String
    /// Seconds since 1970; infinity for a change that never settles.
    var readyAt: Double
    var updatedAt: Double
    /// How it serves when a fault, not its tag, decides (`FaultSettings.sickReleases`); a rollback
    /// takes the version it goes back to's.
    var health: String? = nil

    func status(at now: Double) -> ReleaseStatus {
        ReleaseStatus(rawValue: now >= readyAt ? finalStatus : pendingStatus)
    }
}

/// A release with every version, oldest first.
struct StoredRelease: Codable, Sendable, Hashable {
    var clusterID: String
    var namespace: String
    var name: String
    var createdAt: Double
    var versions: [StoredVersion]
    /// Set by a delete: the release shows `DELETING` until then, and is gone after.
    var deletingUntil: Double?

    var key: ReleaseKey { ReleaseKey(clusterID: clusterID, namespace: namespace, name: name) }
    var latest: StoredVersion { versions[versions.count - 1] }

    func isGone(at now: Double) -> Bool { deletingUntil.map { now >= $0 } ?? false }

    func status(at now: Double) -> ReleaseStatus {
        deletingUntil != nil ? .deleting : latest.status(at: now)
    }
}

/// Where a release lives.
struct ReleaseKey: Hashable, Sendable, Codable, Comparable {
    var clusterID: String
    var namespace: String
    var name: String

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.clusterID, lhs.namespace, lhs.name) < (rhs.clusterID, rhs.namespace, rhs.name)
    }

    var text: String { "\(clusterID)/\(namespace)/\(name)" }
}

/// A chart as the emulator keeps it, with its package bytes.
struct StoredChart: Codable, Sendable, Hashable {
    var id: String
    var name: String
    var version: String
    var values: JSONValue
    var description: String
    var source: String
    var isPublic: Bool
    var createdAt: Double
    var updatedAt: Double
    var package: [UInt8]
}

/// A cluster of the emulator and its namespaces.
public struct EmulatedCluster: Codable, Sendable, Hashable {
    /// The cluster id (a UUID in CCE).
    public var id: String
    /// The cluster name.
    public var name: String
    /// The namespaces releases may live in.
    public var namespaces: [String]

    /// Makes a cluster.
    public init(id: String, name: String, namespaces: [String]) {
        self.id = id
        self.name = name
        self.namespaces = namespaces
    }
}
