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

    /// An emulator whose testwww runs a `-sick` tag, scraped by a Prometheus server, until `body` ends.
    static func withSickTestwww(basicAuth: Bool = false, _ body: @Sendable (PrometheusServer) async throws -> Void) async throws {
        let rollout = try RolloutProcess()
        try await withEmulator(deployTime: 0) { (client: AutopilotClient, emulator: Emulator) in
            _ = try await client.upgrade(
                release: "testwww", in: "monitoring", cluster: demoCluster, chart: DemoData.magentoChartID,
                values: ReleaseValues(imageTag: "v2-sick"))
            let prometheus = try await PrometheusServer.start(scraping: try #require(emulator.url), home: rollout.home, withBasicAuth: basicAuth)
            do {
                // Two scrapes make a rate; four in the window make it steady enough to read as a fifth
                // (the counts are whole requests, so two scrapes close together could read 1 in 9).
                _ = try await prometheus.waitForValue(of: #"count_over_time(http_requests_total{release="testwww",code="500"}[5s]) >= 4"#)
                try await body(prometheus)
                await prometheus.stop()
            } catch {
                await prometheus.stop()
                throw error
            }
        }
    }

    @Test func aSickReleaseShowsAFifthOfErrorsAndAHealthyOneNone() async throws {
        try await Self.withSickTestwww { prometheus in
            // A fifth, within a request or two of the window's few dozen.
            let sick = try await prometheus.value(of: Self.errorRatio("testwww"))
            #expect(sick.map { abs($0 - 0.2) < 0.05 } == true, "testwww's error ratio: \(String(describing: sick))")
            let healthy = try await prometheus.waitForValue(of: Self.errorRatio("redis-cache"))
            #expect(healthy == 0, "redis-cache's error ratio: \(String(describing: healthy))")
            #expect(try await prometheus.value(of: #"up{job="emulator"}"#) == 1)
        }
    }

    @Test func aQueryIsReadAsOneNumberNoDataOrSeveralSeriesAndARefusalSaysWhy() async throws {
        try await Self.withSickTestwww { prometheus in
            let source = PrometheusSource(url: prometheus.url)
            let ratio = try await source.query(Self.errorRatio("testwww"))
            guard case .value(let value) = ratio else { throw CLIFailure("one number, not \(ratio)") }
            #expect(abs(value - 0.2) < 0.05)
            #expect(try await source.query(Self.errorRatio("no-such-release")) == .noData)
            let codes = try await source.query(#"sum by (code) (http_requests_total{cluster="demo",release="testwww"})"#)
            guard case .series(let series) = codes else { throw CLIFailure("several series, not \(codes)") }
            #expect(Set(series.keys) == [#"{code="200"}"#, #"{code="500"}"#])
            let refused = await #expect(throws: AutopilotError.self) { try await source.query("sum(rate(http_requests_total[1m]") }
            #expect(
                refused?.description.contains("Prometheus at \(prometheus.url.absoluteString) refused the query: bad_data:") == true,
                "\(String(describing: refused))")
            let range = await #expect(throws: AutopilotError.self) { try await source.query("http_requests_total[1m]") }
            #expect(
                range?.description.contains("the query gives a matrix, and an analysis needs one number") == true, "\(String(describing: range))")
        }
    }

    @Test func aServerThatAsksForBasicAuthenticationIsQueriedWithItAndRefusesOthersWithoutShowingThePassword() async throws {
        try await Self.withSickTestwww(basicAuth: true) { prometheus in
            let user = PrometheusServer.user
            let right = PrometheusSource(url: prometheus.url, authorization: .basic(user: user, password: Secret(PrometheusServer.password)))
            guard case .value(let value) = try await right.query(Self.errorRatio("testwww")) else { throw CLIFailure("no value") }
            #expect(abs(value - 0.2) < 0.05)
            for source in [PrometheusSource(url: prometheus.url), PrometheusSource(url: prometheus.url, authorization: .basic(user: user, password: Secret("wrong-password")))] {
                let refused = await #expect(throws: AutopilotError.self) { try await source.query(Self.errorRatio("testwww")) }
                #expect(refused?.httpStatus == 401, "\(String(describing: refused))")
                #expect(refused?.description.contains("refused the query") == true, "\(String(describing: refused))")
                #expect(refused?.description.contains("wrong-password") == false)
            }
        }
    }
}
