import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

/// The emulator's metrics as a real Prometheus server sees them: scraped every second and queried
/// with PromQL, as analyses will.
@Suite struct PrometheusScrapeTests {
    /// The share of a demo release's requests answered with a 500 over the last 5 s.
    static func errorRatio(_ release: String) -> String {
        let series = #"http_requests_total{cluster="demo",release="\#(release)""#
        return "sum(rate(\(series),code=\"500\"}[5s])) / sum(rate(\(series)}[5s]))"
    }

    @Test func aSickReleaseShowsAFifthOfErrorsAndAHealthyOneNone() async throws {
        let rollout = try RolloutProcess()
        try await withEmulator(deployTime: 0) { (client: AutopilotClient, emulator: Emulator) in
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v2-sick"))
            let prometheus = try await PrometheusServer.start(scraping: try #require(emulator.url), home: rollout.home)
            // Two scrapes make a rate: a sick release's is a fifth of its requests, a healthy one's none.
            let sick: Double?, healthy: Double?, up: Double?
            do {
                sick = try await prometheus.waitFor(Self.errorRatio("testwww")) { _ in true }
                healthy = try await prometheus.waitFor(Self.errorRatio("redis-cache")) { _ in true }
                up = try await prometheus.value(of: #"up{job="emulator"}"#)
                await prometheus.stop()
            } catch {
                await prometheus.stop()
                throw error
            }
            #expect(sick.map { abs($0 - 0.2) < 0.02 } == true, "testwww's error ratio: \(String(describing: sick))")
            #expect(healthy == 0, "redis-cache's error ratio: \(String(describing: healthy))")
            #expect(up == 1)
        }
    }
}
