import AutopilotClient
@testable import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// The emulator answers the plain `show` read from bytes it keeps per release; these tests hold those
/// bytes to the generated handler's, which a query sends the same read to.
@Suite struct ShowAnswerTests {
    let token = ["X-Auth-Token": EmulatorCredentials.localToken]
    let path = "/autopilot/cam/v3/clusters/\(demoCluster)/namespace/monitoring/releases/testwww"

    /// The kept answer and the generated one, as status and body. The kept one is read before and
    /// after the generated one, and all three again when the release moved on in between (a deploy
    /// that ends between two reads on a loaded machine), so that both answers are of one state.
    func both(_ url: URL) async throws -> (kept: (Int, String), generated: (Int, String)) {
        var tries = 0
        while true {
            tries += 1
            let kept = try await RawRequest(method: "GET", path: path, headers: token).send(to: url)
            let generated = try await RawRequest(method: "GET", path: path, query: "show_resources=false", headers: token).send(to: url)
            let after = try await RawRequest(method: "GET", path: path, headers: token).send(to: url)
            if (kept.status, kept.body) == (after.status, after.body) || tries == 5 {
                return ((kept.status, kept.body), (generated.status, generated.body))
            }
        }
    }

    @Test func keptAnswersFollowEveryChangeOfARelease() async throws {
        let clock = ManualClock()
        try await withEmulator(deployTime: 1.5, configure: { $0.now = clock.read }) { client, emulator in
            let url = try #require(emulator.url)
            var seen: [String] = []
            func expectSame(_ status: String, version: Int, _ comment: Comment) async throws {
                let (kept, generated) = try await both(url)
                #expect(kept.0 == generated.0 && kept.1 == generated.1, comment)
                #expect(kept.1.contains(#""status":"\#(status)""#) && kept.1.contains(#""version":\#(version)}"#), "\(comment): \(kept.1)")
                seen.append(kept.1)
            }
            try await expectSame("DEPLOYED", version: 3, "the seeded release")
            try await expectSame("DEPLOYED", version: 3, "read again")
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v9"))
            try await expectSame("PENDING_UPGRADE", version: 4, "right after the upgrade")
            clock.advance(by: 2)
            try await expectSame("DEPLOYED", version: 4, "once deployed")
            try await client.uninstall(release: "testwww", in: "monitoring", cluster: demoCluster)
            try await expectSame("DELETING", version: 4, "while deleting")
            clock.advance(by: 2)
            let (gone, goneGenerated) = try await both(url)
            #expect(gone.0 == 404 && goneGenerated.0 == 404 && gone.1 == goneGenerated.1)
            _ = try await client.install(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                chartVersion: "1.0.0")
            try await expectSame("PENDING_INSTALL", version: 1, "installed again under the same name")
            #expect(seen[0] == seen[1])
            #expect(Set(seen).count == seen.count - 1, "every change made a new answer")
        }
    }

    @Test func otherReadsGoToTheGeneratedHandler() async throws {
        try await withEmulator { _, emulator in
            let url = try #require(emulator.url)
            let plain = try await RawRequest(method: "GET", path: path, headers: token).send(to: url)
            let escaped = try await RawRequest(method: "GET", path: path.replacingOccurrences(of: "testwww", with: "testw%77w"), headers: token).send(to: url)
            #expect(escaped.status == 200 && escaped.body == plain.body)
            let html = try await RawRequest(method: "GET", path: path, headers: token.merging(["Accept": "text/html"]) { $1 }).send(to: url)
            #expect(html.status == 400)
            let unsigned = try await RawRequest(method: "GET", path: path).send(to: url)
            #expect(unsigned.status == 401, "the signature check comes first")
            #expect(plain.headers["x-request-id"]?.count == 32 && plain.headers["content-type"] == "application/json; charset=utf-8")
        }
    }

    @Test(arguments: [
        ("/autopilot/cam/v3/clusters/c/namespace/n/releases/r", true),
        ("/autopilot/cam/v3/clusters/c/namespace/n/releases/r/history", false),
        ("/autopilot/cam/v3/clusters/c/namespace/n/releases", false),
        ("/autopilot/cam/v3/clusters/c/namespace//releases/r", false),
        ("/autopilot/cam/v3/clusters/c/namespaces/n/releases/r", false),
        ("/autopilot/cam/v3/clusters/c/namespace/n/releases/r%2Fx", false),
        ("/autopilot/cam/v3/charts/c", false),
    ])
    func onlyPlainReleasePathsAreRead(path: String, isRelease: Bool) {
        #expect((ShowRelease.path(path) != nil) == isRelease)
    }

    @Test func requestIDsDiffer() {
        let ids = (0..<1000).map { _ in RequestIDs.next() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }
}
