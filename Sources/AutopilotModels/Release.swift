/// A release of a chart in a cluster namespace, at one version.
public struct Release: Sendable, Hashable {
    /// The release name.
    public var name: String
    /// Its namespace.
    public var namespace: String
    /// The cluster id.
    public var clusterID: String
    /// The cluster name.
    public var clusterName: String
    /// The chart name.
    public var chartName: String
    /// The chart version.
    public var chartVersion: String
    /// Whether the chart is public.
    public var chartPublic: Bool
    /// The release version (Helm revision), counting from 1.
    public var version: Int
    /// The status of this version.
    public var status: ReleaseStatus
    /// The service's words on the status.
    public var statusDescription: String
    /// The release description.
    public var description: String
    /// The values, decoded from the JSON text the service sends.
    public var values: JSONValue
    /// The parameters, decoded from JSON text; nil when the service sent none.
    public var parameters: JSONValue?
    /// The Kubernetes resources, decoded from JSON text; nil when the service sent none.
    public var resources: JSONValue?
    /// When the release was created, as the service writes it.
    public var createdAt: String
    /// When this version was made, as the service writes it.
    public var updatedAt: String

    /// Makes a release value.
    public init(
        name: String, namespace: String, clusterID: String = "", clusterName: String = "", chartName: String = "",
        chartVersion: String = "", chartPublic: Bool = false, version: Int, status: ReleaseStatus,
        statusDescription: String = "", description: String = "", values: JSONValue = .object([:]),
        parameters: JSONValue? = nil, resources: JSONValue? = nil, createdAt: String = "", updatedAt: String = ""
    ) {
        self.name = name
        self.namespace = namespace
        self.clusterID = clusterID
        self.clusterName = clusterName
        self.chartName = chartName
        self.chartVersion = chartVersion
        self.chartPublic = chartPublic
        self.version = version
        self.status = status
        self.statusDescription = statusDescription
        self.description = description
        self.values = values
        self.parameters = parameters
        self.resources = resources
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `values.imageTag`, the image tag this version runs.
    public var imageTag: String? { values["imageTag"]?.scalarText }
    /// `values.imagePullPolicy`.
    public var imagePullPolicy: String? { values["imagePullPolicy"]?.scalarText }
}

/// A release status as CCE reports it; unknown words are kept as they came.
public struct ReleaseStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible, CaseIterable {
    /// The word on the wire, e.g. `DEPLOYED`.
    public let rawValue: String

    /// Wraps a status word (upper-cased).
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    /// Running normally.
    public static let deployed = ReleaseStatus(rawValue: "DEPLOYED")
    /// Deleted.
    public static let deleted = ReleaseStatus(rawValue: "DELETED")
    /// The deploy failed.
    public static let failed = ReleaseStatus(rawValue: "FAILED")
    /// Being deleted.
    public static let deleting = ReleaseStatus(rawValue: "DELETING")
    /// Being installed.
    public static let pendingInstall = ReleaseStatus(rawValue: "PENDING_INSTALL")
    /// Being upgraded.
    public static let pendingUpgrade = ReleaseStatus(rawValue: "PENDING_UPGRADE")
    /// Being rolled back.
    public static let pendingRollback = ReleaseStatus(rawValue: "PENDING_ROLLBACK")
    /// Abnormal; delete and reinstall.
    public static let unknown = ReleaseStatus(rawValue: "UNKNOWN")

    /// Every documented status.
    public static let allCases: [ReleaseStatus] = [
        .deployed, .deleted, .failed, .deleting, .pendingInstall, .pendingUpgrade, .pendingRollback, .unknown,
    ]

    /// True while the service is still working on a change.
    public var isPending: Bool { rawValue.hasPrefix("PENDING_") || self == .deleting }
    /// True for the statuses a wait treats as failure: `FAILED` and `UNKNOWN`.
    public var isFailure: Bool { self == .failed || self == .unknown }

    /// The word itself.
    public var description: String { rawValue }
}
