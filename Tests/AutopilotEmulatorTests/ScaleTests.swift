@testable import AutopilotEmulator
import AutopilotClient
import AutopilotTesting
import Foundation
import Testing

@Suite struct ScaleTests {
    @Test func tenThousandReleasesAreFine() async throws {
        try await withEmulator { client, emulator in
            let now = Date().timeIntervalSince1970
            let template = try #require(DemoData.releases(at: now).first { $0.name == "redis-cache" })
            let many = (0..<10_000).map { index -> StoredRelease in
                var release = template
                release.name = "svc-\(index)"
                return release
            }
            try emulator.store.seed(charts: [], releases: many)
            let listed = try await client.releases(in: demoCluster, namespace: "default")
            #expect(listed.count == 10_001)
            let one = try await client.release("svc-9999", in: "default", cluster: demoCluster)
            #expect(one.version == 1)
            let upgraded = try await client.upgrade(
                release: "svc-5000", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                values: ReleaseValues(imageTag: "8"))
            #expect(upgraded.version == 2)
        }
    }
}
