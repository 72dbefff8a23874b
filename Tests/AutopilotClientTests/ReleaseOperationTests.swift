import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@Suite struct ReleaseOperationTests {
    @Test func listsReleasesOfACluster() async throws {
        try await withEmulator { client, _ in
            let all = try await client.releases(in: demoCluster)
            #expect(all.map(\.name).sorted() == ["redis-cache", "shop-web", "testwww"])
            let monitoring = try await client.releases(in: demoCluster, namespace: "monitoring")
            #expect(monitoring.map(\.name) == ["testwww"])
            let byChart = try await client.releases(in: demoCluster, chart: DemoData.shopWebChartID)
            #expect(byChart.map(\.name) == ["shop-web"])
        }
    }

    @Test func showsTheReferenceRelease() async throws {
        try await withEmulator { client, _ in
            let release = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(release.chartName == "magento-mysql")
            #expect(release.chartVersion == "1.0.0")
            #expect(release.version == 3)
            #expect(release.status == .deployed)
            #expect(release.imageTag == "v1")
            #expect(release.values[path: "basic.storage_size"] == "10G")
            #expect(release.values[path: "basic.mysql_port"] == 3306)
        }
    }

    @Test func upgradeGoesThroughPendingToDeployedAndKeepsHistory() async throws {
        let clock = ManualClock()
        try await withEmulator(configure: { $0.now = clock.read }) { client, _ in
            let upgraded = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v4", other: ["basic": ["storage_size": "20G"]]))
            #expect(upgraded.version == 4)
            #expect(upgraded.status == .pendingUpgrade)
            #expect(upgraded.imageTag == "v4")
            #expect(upgraded.values[path: "basic.storage_size"] == "20G")
            #expect(upgraded.values[path: "basic.mysql_user"] == "magento", "old values are kept under the new ones")
            clock.advance(by: 1)
            let settled = try await client.release("testwww", in: "monitoring", cluster: demoCluster)
            #expect(settled.status == .deployed)
            let history = try await client.history(of: "testwww", in: "monitoring", cluster: demoCluster)
            #expect(history.map(\.version) == [1, 2, 3, 4])
            #expect(history.map(\.status) == [.deployed, .failed, .deployed, .deployed])
        }
    }

    @Test func failedDeployThenRollbackRestoresOldValues() async throws {
        let clock = ManualClock()
        try await withEmulator(faults: FaultSettings(failTags: ["*-bad"]), configure: { $0.now = clock.read }) { client, _ in
            let failed = try await client.upgrade(
                release: "shop-web", in: "shop", cluster: demoCluster, chart: DemoData.shopWebChartID,
                values: ReleaseValues(imageTag: "2.2.0-bad"))
            #expect(failed.version == 3)
            clock.advance(by: 1)
            #expect(try await client.release("shop-web", in: "shop", cluster: demoCluster).status == .failed)
            let rolledBack = try await client.rollback(
                release: "shop-web", in: "shop", cluster: demoCluster, chart: DemoData.shopWebChartID, to: 2)
            #expect(rolledBack.version == 4)
            #expect(rolledBack.status == .pendingRollback)
            #expect(rolledBack.description == "Rollback to 2")
            #expect(rolledBack.imageTag == "2.1.0")
            clock.advance(by: 1)
            #expect(try await client.release("shop-web", in: "shop", cluster: demoCluster).status == .deployed)
        }
    }

    @Test func updateWhilePendingIsForbidden() async throws {
        try await withEmulator(deployTime: 30) { client, _ in
            _ = try await client.upgrade(
                release: "redis-cache", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                values: ReleaseValues(imageTag: "7.2.5"))
            let error = await #expect(throws: AutopilotError.self) {
                try await client.upgrade(
                    release: "redis-cache", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                    values: ReleaseValues(imageTag: "7.2.6"))
            }
            #expect(error?.httpStatus == 409)
            #expect(error?.isUpdateForbidden == true)
            #expect(error?.requestID?.count == 32)
        }
    }

    @Test func installDryRunResetValuesAndUninstall() async throws {
        let clock = ManualClock()
        try await withEmulator(configure: { $0.now = clock.read }) { client, _ in
            let dry = try await client.install(
                release: "cache-two", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                chartVersion: "7.2.4", parameters: ReleaseParameters(dryRun: true))
            #expect(dry.status == .pendingInstall)
            await #expect(throws: AutopilotError.self) {
                try await client.release("cache-two", in: "default", cluster: demoCluster)
            }
            let installed = try await client.install(
                release: "cache-two", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                chartVersion: "7.2.4", values: ReleaseValues(imageTag: "7.0.0"), description: "second cache")
            #expect(installed.version == 1)
            #expect(installed.values[path: "persistence.size"] == "8Gi", "install starts from the chart's values")
            clock.advance(by: 0.3)
            let reset = try await client.upgrade(
                release: "cache-two", in: "default", cluster: demoCluster, chart: DemoData.redisChartID,
                values: ReleaseValues(imagePullPolicy: "Always"), parameters: ReleaseParameters(resetValues: true))
            #expect(reset.imageTag == "7.2.4", "reset_values starts again from the chart's values")
            #expect(reset.imagePullPolicy == "Always")
            clock.advance(by: 0.3)
            try await client.uninstall(release: "cache-two", in: "default", cluster: demoCluster)
            #expect(try await client.release("cache-two", in: "default", cluster: demoCluster).status == .deleting)
            clock.advance(by: 0.3)
            let gone = await #expect(throws: AutopilotError.self) {
                try await client.release("cache-two", in: "default", cluster: demoCluster)
            }
            #expect(gone?.isNotFound == true)
        }
    }

    @Test func rollbackToMissingVersionIsAnError() async throws {
        try await withEmulator { client, _ in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.rollback(release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID, to: 9)
            }
            #expect(error?.httpStatus == 404)
            #expect(error?.message == "Release testwww has no version 9")
        }
    }

    @Test(arguments: [
        ("no-such-cluster", "monitoring", "testwww", 404, "Cluster no-such-cluster not found"),
        (DemoData.demoClusterID, "nowhere", "testwww", 404, "Namespace nowhere not found in cluster demo"),
        (DemoData.demoClusterID, "monitoring", "ghost", 404, "Release ghost not found in namespace monitoring"),
    ])
    func unknownThingsAre404(cluster: String, namespace: String, name: String, status: Int, message: String) async throws {
        try await withEmulator { client, _ in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.release(name, in: namespace, cluster: cluster)
            }
            #expect(error?.httpStatus == status)
            #expect(error?.errorCode == "CCE.01404001")
            #expect(error?.message == message)
        }
    }

    @Test(arguments: ["Bad", "9lives", "trailing-", "under_score", String(repeating: "a", count: 54)])
    func badReleaseNamesAreRefused(_ name: String) async throws {
        try await withEmulator { client, _ in
            let error = await #expect(throws: AutopilotError.self) {
                try await client.install(
                    release: name, in: "default", cluster: demoCluster, chart: DemoData.redisChartID, chartVersion: "7.2.4")
            }
            #expect(error?.httpStatus == 400)
            #expect(error?.message.hasPrefix("Invalid release name") == true)
        }
    }
}
