import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@testable import AutopilotClient

@Suite struct AdaptiveRateTests {
    @Test func aCrowdedSecondOfThrottlesPacesTheClientAndAnOddOneDoesNot() async throws {
        let rate = AdaptiveRate()
        for index in 0..<100 {
            try await rate.acquire()
            rate.answered(throttled: index % 50 == 0)
        }
        try await Task.sleep(for: .milliseconds(1100))
        try await rate.acquire()
        #expect(rate.currentRate == nil, "two 429s in a hundred answers leave it unlimited")
        for index in 0..<100 {
            try await rate.acquire()
            rate.answered(throttled: index % 2 == 0)
        }
        try await Task.sleep(for: .milliseconds(1100))
        try await rate.acquire()
        let paced = try #require(rate.currentRate, "half the answers throttled: it paces itself")
        #expect(paced < 51, "at most what the service accepted in that second: \(paced)")
    }

    @Test func aClientAgainstARateLimitGetsEveryCallThroughWithoutADoubleChange() async throws {
        try await withEmulator(faults: FaultSettings(requestsPerSecond: 20)) { client, emulator in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<60 {
                    group.addTask { _ = try await client.release("testwww", in: "monitoring", cluster: demoCluster) }
                }
                try await group.waitForAll()
            }
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in ["shop-web", "redis-cache"] {
                    let namespace = name == "shop-web" ? "shop" : "default"
                    group.addTask {
                        let current = try await client.release(name, in: namespace, cluster: demoCluster)
                        let charts = try await client.charts()
                        let chart = try #require(charts.first { $0.name == current.chartName })
                        _ = try await client.update(
                            release: name, in: namespace, cluster: demoCluster, action: .upgrade, chart: chart.id,
                            values: ReleaseValues(imageTag: "v9"), parameters: ReleaseParameters())
                    }
                }
                try await group.waitForAll()
            }
            #expect(release.version == 3)
            let counts = emulator.store.changeCounts()
            #expect(counts["\(demoCluster)/shop/shop-web"] == 1 && counts["\(demoCluster)/default/redis-cache"] == 1, "\(counts)")
        }
    }
}
