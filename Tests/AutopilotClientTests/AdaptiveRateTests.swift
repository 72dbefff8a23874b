import AutopilotEmulator
import AutopilotTesting
import Foundation
import Testing

@testable import AutopilotClient

@Suite struct AdaptiveRateTests {
    @Test func aCrowdedSecondOfThrottlesPacesTheClientAndAnOddOneDoesNot() async throws {
        let rate = AdaptiveRate()
        // On a clock of the test's own: a hundred answers in half a second, then a look a second later.
        var now = ContinuousClock.now
        func answerAHundred(throttled: (Int) -> Bool) {
            for index in 0..<100 {
                now += .milliseconds(5)
                now += rate.reserve(at: now)
                rate.answered(throttled: throttled(index), at: now)
            }
            now += .milliseconds(1100)
            now += rate.reserve(at: now)
        }
        answerAHundred { $0 % 50 == 0 }
        #expect(rate.currentRate == nil, "two 429s in a hundred answers leave it unlimited")
        answerAHundred { $0 % 2 == 0 }
        let paced = try #require(rate.currentRate, "half the answers throttled: it paces itself")
        #expect(paced < 51, "at most what the service accepted in that second: \(paced)")
    }

    /// Scattered 429s, as a flaky gateway gives whatever the load, must not hold back a client that
    /// is not crowding the service, busy or quiet: a busy one may now and then judge a second
    /// crowded and creep back, a quiet one must not take a lone 429 for a limit.
    @Test(arguments: [
        (workers: 8, latency: 100, share: 0.05), (workers: 1, latency: 300, share: 0.05), (workers: 1, latency: 50, share: 0.075),
    ])
    func scatteredThrottlesLeaveTheRateWhereTheServiceCanTakeIt(workers: Int, latency: Int, share: Double) {
        let rate = AdaptiveRate()
        let demand = Double(workers) * 1000 / Double(latency)
        let answered = simulate(rate, workers: workers, latency: .milliseconds(latency), throttledShare: share)
        #expect(Double(answered) >= demand * 60 * 0.8, "\(answered) answers in 60 s for \(demand) a second")
    }

    @Test func throttlesBeforeAnIdleStretchAreNotTakenForTheServicesRate() {
        let rate = AdaptiveRate()
        let start = ContinuousClock.now
        for index in 0..<8 {
            let now = start + .milliseconds(50 * index)
            #expect(rate.reserve(at: now) == .zero)
            rate.answered(throttled: index % 2 == 0, at: now + .milliseconds(20))
        }
        #expect(rate.reserve(at: start + .seconds(5)) == .zero)
        #expect(rate.currentRate == nil, "four 429s, then five quiet seconds: \(rate.currentRate ?? 0) a second")
    }

    /// Runs a minute of simulated traffic through `rate`: each of `workers` callers sends its next
    /// request when the last is answered, `latency` later, and a seeded `throttledShare` of answers
    /// are 429s. Returns how many answers got through.
    private func simulate(_ rate: AdaptiveRate, workers: Int, latency: Duration, throttledShare: Double) -> Int {
        let start = ContinuousClock.now
        let end = start + .seconds(60)
        var random = SplitMix64(seed: 14)
        // Each worker's next event: when it is, and whether it is an answer (else a ready request).
        var events = (0..<workers).map { (at: start + .milliseconds(7 * $0), isAnswer: false) }
        var admitted = 0
        while let next = events.indices.min(by: { events[$0].at < events[$1].at }), events[next].at < end {
            let event = events[next]
            if event.isAnswer {
                let throttled = Double.random(in: 0..<1, using: &random) < throttledShare
                rate.answered(throttled: throttled, at: event.at)
                if !throttled { admitted += 1 }
                events[next] = (event.at, false)
            } else {
                events[next] = (event.at + rate.reserve(at: event.at) + latency, true)
            }
        }
        return admitted
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
