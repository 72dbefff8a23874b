import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// `GET /metrics`: each release's traffic, by the tag of the version deployed at each moment.
@Suite struct MetricsTests {
    /// The value of the sample whose name and labels contain every part of `series`.
    static func sample(_ text: String, _ series: String...) -> Double? {
        text.split(separator: "\n").first { line in !line.hasPrefix("#") && series.allSatisfy { line.contains($0) } }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    static func scrape(_ emulator: Emulator) async throws -> String {
        let answer = try await RawRequest(method: "GET", path: "/metrics").send(to: try #require(emulator.url))
        #expect(answer.status == 200)
        return answer.body
    }

    @Test func aSickTagServesAFifthOfItsRequestsWith500AndASlowOneTakesItsTime() async throws {
        // Whole seconds, so that the expected counts are exact.
        let clock = ManualClock(start: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        try await withEmulator(deployTime: 1, configure: { $0.now = clock.read }) { client, emulator in
            let testwww = #"namespace="monitoring",release="testwww""#
            let before = try await Self.scrape(emulator)
            let ok = try #require(Self.sample(before, "http_requests_total{", testwww, #"code="200""#))
            #expect(Self.sample(before, "http_requests_total{", testwww, #"code="500""#) == 0, "v1 is healthy")

            // While v2-sick deploys, v1 still serves; once it is deployed, a fifth of 10 a second fail.
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v2-sick"))
            clock.advance(by: 1)
            clock.advance(by: 100)
            let sick = try await Self.scrape(emulator)
            #expect(Self.sample(sick, "http_requests_total{", testwww, #"code="500""#) == 200)
            #expect(Self.sample(sick, "http_requests_total{", testwww, #"code="200""#) == ok + 10 + 800)

            // A rollback to v1 heals it: the errors stop growing, the requests go on.
            _ = try await client.rollback(release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID, to: 1)
            clock.advance(by: 51)
            let healed = try await Self.scrape(emulator)
            #expect(Self.sample(healed, "http_requests_total{", testwww, #"code="500""#) == 202)
            #expect(Self.sample(healed, "http_requests_total{", testwww, #"code="200""#) == ok + 10 + 800 + 8 + 500)

            // A slow tag: every request in the 2.5 s bucket, none under 1 s.
            _ = try await client.upgrade(
                release: "shop-web", in: "shop", cluster: demoCluster, chart: DemoData.shopWebChartID,
                values: ReleaseValues(imageTag: "2.2.0-slow"))
            let underOne = try #require(Self.sample(healed, "http_request_duration_seconds_bucket{", #"cluster="demo""#, #"release="shop-web""#, #"le="1.0""#))
            clock.advance(by: 101)
            let slow = try await Self.scrape(emulator)
            #expect(Self.sample(slow, "http_request_duration_seconds_bucket{", #"cluster="demo""#, #"release="shop-web""#, #"le="1.0""#) == underOne + 10)
            #expect(Self.sample(slow, "http_request_duration_seconds_bucket{", #"cluster="demo""#, #"release="shop-web""#, #"le="2.5""#) == underOne + 10 + 1000)
            #expect(Self.sample(slow, "http_requests_total{", #"cluster="demo""#, #"release="shop-web""#, #"code="500""#) == 0)
        }
    }

    @Test func metricsNeedNoSignatureAndTakeNoFaults() async throws {
        try await withEmulator(faults: FaultSettings(errorRate: 1, errorStatuses: [503])) { _, emulator in
            let text = try await Self.scrape(emulator)
            #expect(text.contains("# TYPE http_requests_total counter"))
            #expect(text.contains(#"cluster="demo",cluster_id="\#(demoCluster)",namespace="monitoring",release="testwww",code="200""#))
        }
    }
}
