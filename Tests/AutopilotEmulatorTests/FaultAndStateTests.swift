import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@Suite struct FaultTests {
    @Test func stuckReleasesStayPending() async throws {
        let clock = ManualClock()
        try await withEmulator(faults: FaultSettings(stuckReleases: ["redis-*"]), configure: { $0.now = clock.read }) { client, _ in
            _ = try await client.upgrade(
                release: "redis-cache", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                values: ReleaseValues(imageTag: "8.0.0"))
            clock.advance(by: 600)  // far past any deploy
            let got1 = try await client.release("redis-cache", in: "default", cluster: demoCluster).status
            #expect(got1 == .pendingUpgrade)
        }
    }

    @Test func failingReleasesFail() async throws {
        let clock = ManualClock()
        try await withEmulator(faults: FaultSettings(failReleases: ["shop-web"]), configure: { $0.now = clock.read }) { client, _ in
            _ = try await client.upgrade(
                release: "shop-web", in: "shop", cluster: demoCluster, chart: DemoData.shopWebChartID,
                values: ReleaseValues(imageTag: "9.9.9"))
            clock.advance(by: 1)
            let got2 = try await client.release("shop-web", in: "shop", cluster: demoCluster).status
            #expect(got2 == .failed)
        }
    }

    @Test func requestsOverTheRateGetTheRequestLimitAnswer() async throws {
        try await withEmulator(faults: FaultSettings(requestsPerSecond: 2)) { client, emulator in
            let url = try #require(emulator.url)
            let path = "/autopilot/cam/v3/clusters/\(demoCluster)/namespace/monitoring/releases/testwww"
            var answers: [(status: Int, headers: [String: String], body: String)] = []
            let start = ContinuousClock.now
            for _ in 0..<20 {
                answers.append(try await RawRequest(method: "GET", path: path, headers: ["X-Auth-Token": EmulatorCredentials.localToken]).send(to: url))
            }
            let seconds = Double((ContinuousClock.now - start).components.seconds) + 1
            let limited = answers.filter { $0.status == 429 }
            // A second's worth at once, then the rate, however long the requests took on this machine.
            #expect(Double(answers.filter { $0.status == 200 }.count) <= 2 + 2 * seconds, "\(seconds) s")
            #expect(!limited.isEmpty)
            #expect(limited.first?.body.contains(#""error_code":"CCE.02429001""#) == true)
            #expect(limited.first?.headers.first { $0.key.lowercased() == "retry-after" }.map { Int($0.value) ?? 0 } == 1)
            // The client waits as it is told and gets through.
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.version == 3)
        }
    }

    @Test func changesOverTheConcurrentLimitGetTheConcurrentTaskAnswer() async throws {
        try await withEmulator(deployTime: 30, faults: FaultSettings(concurrentChanges: 1), client: { $0.retry = .never }) { client, _ in
            let charts = try await client.charts()
            let shop = try #require(charts.first { $0.name == "shop-web" })
            let magento = try #require(charts.first { $0.name == "magento-mysql" })
            _ = try await client.update(
                release: "shop-web", in: "shop", cluster: demoCluster, action: .upgrade, chart: shop.id,
                values: ReleaseValues(imageTag: "v9"), parameters: ReleaseParameters())
            let refused = await #expect(throws: AutopilotError.self) {
                try await client.update(
                    release: "testwww", in: "monitoring", cluster: demoCluster, action: .upgrade, chart: magento.id,
                    values: ReleaseValues(imageTag: "v9"), parameters: ReleaseParameters())
            }
            #expect(refused?.httpStatus == 429 && refused?.errorCode == "CCE.01429003", "\(String(describing: refused))")
            #expect(refused?.changeNotApplied == true)
            let untouched = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(untouched.version == 3, "the refused change was not applied")
        }
    }

    @Test func aGeneratedFleetHasItsClustersAndReleases() async throws {
        let fleet = DemoFleet(clusters: 12, releasesPerCluster: 3)
        try await withEmulator(configure: { $0.fleet = fleet }) { client, _ in
            #expect(fleet.clusterNames.first == "edge-001" && fleet.clusterNames.last == "edge-012")
            let id = try #require(fleet.aliases["edge-012"])
            let releases = try await client.releases(in: id, namespace: DemoFleet.namespace)
            #expect(releases.map(\.name) == ["web-01", "web-02", "web-03"])
            #expect(releases.allSatisfy { $0.status == .deployed && $0.chartName == "shop-web" && $0.version == 1 })
        }
        #expect(DemoFleet(spelling: "100x10") == DemoFleet(clusters: 100, releasesPerCluster: 10))
        #expect(DemoFleet(spelling: "100x") == nil && DemoFleet(spelling: "1000x1000") == nil)
    }

    @Test func latencyIsAdded() async throws {
        try await withEmulator(faults: FaultSettings(latencyMs: 300)) { client, _ in
            let start = ContinuousClock.now
            _ = try await client.releases(in: demoCluster)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    @Test func errorAnswersAreRetriedForReads() async throws {
        // With 10 tries a call, the chance that any of the 10 calls fails is about 6 in a million.
        let faults = FaultSettings(errorRate: 0.3, errorStatuses: [503, 429], retryAfterSeconds: 0)
        try await withEmulator(faults: faults, client: { $0.retry.maxAttempts = 10 }) { client, _ in
            for _ in 0..<10 {
                let got3 = try await client.release("testwww", in: "monitoring", cluster: demoCluster).version
                #expect(got3 == 3)
            }
        }
    }

    @Test func alwaysFailingAnswersEndInAClearError() async throws {
        try await withEmulator(faults: FaultSettings(errorRate: 1, errorStatuses: [500])) { client, _ in
            let error = await #expect(throws: AutopilotError.self) { try await client.releases(in: demoCluster) }
            #expect(error?.httpStatus == 500)
            #expect(error?.description.hasPrefix("HTTP 500 CCE.0500") == true)
        }
    }

    @Test func aDroppedChangeIsReadBackAndCountedOnce() async throws {
        try await withEmulator(faults: FaultSettings(dropRate: 1)) { client, emulator in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.upgrade(
                    release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                    values: ReleaseValues(imageTag: "v5"))
            }
            #expect(error?.kind == .outcomeUnknown)
            #expect(emulator.store.changeCounts()["\(demoCluster)/monitoring/testwww"] == 1, "the change was sent once")
            #expect(error?.readBack == nil || error?.readBack?.version == 4)
            emulator.store.setFaults(FaultSettings())
            let got4 = try await client.release("testwww", in: "monitoring", cluster: demoCluster).version
            #expect(got4 == 4)
        }
    }

    @Test func faultsCanBeSetOverTheControlEndpoint() async throws {
        let clock = ManualClock()
        try await withEmulator(configure: { $0.now = clock.read }) { client, emulator in
            let url = try #require(emulator.url)
            let put = RawRequest(method: "PUT", path: "/_emulator/faults", body: Array(#"{"failTags":["*-bad"]}"#.utf8))
            let got5 = try await put.send(to: url).status
            #expect(got5 == 200)
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v5-bad"))
            clock.advance(by: 1)
            let got6 = try await client.release("testwww", in: "monitoring", cluster: demoCluster).status
            #expect(got6 == .failed)
            let bad = RawRequest(method: "PUT", path: "/_emulator/faults", body: Array(#"{"errorRate":2}"#.utf8))
            let answer = try await bad.send(to: url)
            #expect(answer.status == 400)
            #expect(answer.body.contains("errorRate must be between 0 and 1"))
        }
    }
}

@Suite struct StateFileTests {
    @Test func answeredChangesSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withEmulator(configure: { $0.statePath = path }) { client, _ in
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v7"))
            let package = try await client.downloadChart(DemoData.redisChartID)
            _ = try await client.uploadChart(package, parameters: ChartUploadParameters(override: true))
        }
        try await withEmulator(configure: { $0.statePath = path }) { client, emulator in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.version == 4)
            #expect(release.imageTag == "v7")
            let got7 = try await client.charts().count
            #expect(got7 == 3)
            #expect(emulator.store.changeCounts()["\(demoCluster)/monitoring/testwww"] == 1)
        }
    }
}
