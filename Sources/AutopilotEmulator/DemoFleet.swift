import AutopilotClient

/// A generated fleet for rehearsing rollouts: `clusters` edge clusters (`edge-001`, …), each with
/// `releasesPerCluster` releases of the shop-web chart (`web-01`, … in namespace `web`), all
/// deployed. Its ids follow from the numbers, so a client can name its clusters without asking.
public struct DemoFleet: Sendable, Equatable {
    /// How many clusters.
    public var clusters: Int
    /// How many releases on each.
    public var releasesPerCluster: Int

    /// The fleet a fresh emulator holds unless told otherwise: 8 clusters of 3 releases.
    public static let standard = DemoFleet(clusters: 8, releasesPerCluster: 3)
    /// The fleet's name in the fleets table a client gets for the emulator.
    public static let fleetName = "edge"
    /// The namespace of its releases.
    public static let namespace = "web"
    /// How a fleet is written: `<clusters>x<releases>`.
    public static let form = "<clusters>x<releases per cluster>, e.g. 100x10"

    /// A fleet of this shape.
    public init(clusters: Int, releasesPerCluster: Int) {
        self.clusters = clusters
        self.releasesPerCluster = releasesPerCluster
    }

    /// Reads `100x10`; nil when it is not written so (or is over 100,000 releases).
    public init?(spelling: String) {
        let parts = spelling.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let clusters = Int(parts[0]), let releases = Int(parts[1]), clusters >= 0, releases >= 0,
            clusters <= 10_000, clusters * releases <= 100_000
        else { return nil }
        self.init(clusters: clusters, releasesPerCluster: releases)
    }

    /// As written.
    public var spelling: String { "\(clusters)x\(releasesPerCluster)" }

    /// The clusters' names, in order.
    public var clusterNames: [String] {
        let width = max(3, String(clusters).count)
        return (1...max(1, clusters)).prefix(clusters).map { "edge-" + String(repeating: "0", count: width - String($0).count) + String($0) }
    }

    /// A cluster's id from its number (from 1).
    public static func clusterID(_ number: Int) -> String {
        let digits = String(number)
        return "e0000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// Cluster name → id.
    public var aliases: [String: String] {
        Dictionary(uniqueKeysWithValues: clusterNames.enumerated().map { ($0.element, Self.clusterID($0.offset + 1)) })
    }

    /// The release names on each cluster.
    public var releaseNames: [String] {
        (1...max(1, releasesPerCluster)).prefix(releasesPerCluster).map { $0 < 10 ? "web-0\($0)" : "web-\($0)" }
    }

    /// Its clusters, as the emulator holds them.
    public var emulatedClusters: [EmulatedCluster] {
        clusterNames.enumerated().map {
            EmulatedCluster(id: Self.clusterID($0.offset + 1), name: $0.element, namespaces: ["default", Self.namespace])
        }
    }

    /// Its releases, each at version 1, deployed.
    func releases(at now: Double) -> [StoredRelease] {
        let names = releaseNames
        return emulatedClusters.flatMap { cluster in
            names.map { name in
                StoredRelease(
                    clusterID: cluster.id, namespace: Self.namespace, name: name, createdAt: now - 86400,
                    versions: [
                        StoredVersion(
                            version: 1, chartID: DemoData.shopWebChartID, chartName: "shop-web", chartVersion: "2.1.0",
                            values: DemoData.shopWebValues, parameters: .object([:]), description: "Install complete",
                            pendingStatus: "PENDING_INSTALL", finalStatus: "DEPLOYED", readyAt: now - 86400, updatedAt: now - 86400)
                    ])
            }
        }
    }
}
