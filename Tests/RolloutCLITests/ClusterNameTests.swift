import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
@testable import RolloutCLI
import Testing

/// Clusters named as users know them on the cloud: by the names the project's cluster list gives.
@Suite struct ClusterNameTests {
    static let clusters = [
        Cluster(id: "11111111-1111-1111-1111-111111111111", name: "shop-prod", alias: "Shop"),
        Cluster(id: "22222222-2222-2222-2222-222222222222", name: "shop-staging", alias: "Shop"),
        Cluster(id: "33333333-3333-3333-3333-333333333333", name: "edge-1", alias: "Edge one"),
    ]

    @Test(arguments: [
        ("shop-prod", "11111111-1111-1111-1111-111111111111"),
        ("Edge one", "33333333-3333-3333-3333-333333333333"),
    ])
    func aNameOrAConsoleAliasGivesTheId(written: String, id: String) throws {
        #expect(try ClusterNames.pick(written, in: Self.clusters) == id)
    }

    @Test(arguments: [
        ("shop-prd", "no cluster 'shop-prd' in the project; did you mean 'shop-prod'?"),
        ("Shop", "cluster 'Shop' is ambiguous: 2 clusters go by it (11111111-1111-1111-1111-111111111111, 22222222-2222-2222-2222-222222222222); name one by its id"),
        ("warehouse", "no cluster 'warehouse' in the project (the project's clusters: edge-1, shop-prod, shop-staging)"),
    ])
    func anUnknownOrAmbiguousNameSaysWhatTheProjectHas(written: String, message: String) {
        #expect(throws: AutopilotError.self) { try ClusterNames.pick(written, in: Self.clusters) }
        do { _ = try ClusterNames.pick(written, in: Self.clusters) } catch { #expect(error.message == message) }
    }

    @Test func onTheCloudUseClusterTakesTheNameFromTheProjectsList() async throws {
        try await withEmulator { _, emulator in
            let rollout = try RolloutProcess()
            // A region whose endpoint and IAM are the emulator: no alias knows 'demo' here.
            var environment = CloudTargetTests.region(at: emulator.url!)
            environment["HUAWEICLOUD_SDK_AK"] = EmulatorCredentials.localAccessKey
            environment["HUAWEICLOUD_SDK_SK"] = EmulatorCredentials.localSecretKey
            let run = try await rollout.run(
                ["--region", "cn-north-4", "--yes", "-c", "use cluster demo; set tag v7; upgrade testwww in monitoring; status testwww in monitoring"],
                extraEnvironment: environment)
            #expect(run.code == 0, "\(run.all)")
            #expect(run.out.contains("testwww  version 4"), "\(run.all)")
            #expect(emulator.store.changeCounts()["\(DemoData.demoClusterID)/monitoring/testwww"] == 1)

            let typo = try await rollout.run(["--region", "cn-north-4", "-c", "use cluster dmeo; list"], extraEnvironment: environment)
            #expect(typo.code == 1, "\(typo.all)")
            #expect(typo.err.contains("no cluster 'dmeo' in the project; did you mean 'demo'?"), "\(typo.all)")
        }
    }
}
