import AutopilotEmulator
import AutopilotTesting
@testable import AutopilotClient
import Testing

@Suite struct ClusterListTests {
    @Test func theProjectsClustersAreListedWithTheirIds() async throws {
        try await withEmulator(configure: { $0.fleet = DemoFleet(clusters: 3, releasesPerCluster: 1) }) { client, _ in
            let clusters = try await client.clusters()
            let byName = Dictionary(uniqueKeysWithValues: clusters.map { ($0.name, $0.id) })
            #expect(byName["demo"] == DemoData.demoClusterID && byName["staging"] == DemoData.stagingClusterID)
            #expect(byName["edge-002"] == DemoFleet.clusterID(2))
            #expect(clusters.allSatisfy { $0.phase == "Available" && !$0.version.isEmpty })
        }
    }
}
