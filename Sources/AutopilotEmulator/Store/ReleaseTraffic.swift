import AutopilotClient

/// The traffic an emulated release serves, so that analyses have metrics that behave like a
/// release's: requests by status code and their latency, at a steady rate, from the version that is
/// deployed at each moment. The image tag decides how that version behaves: a tag ending in `-sick`
/// deploys fine but answers a fifth of its requests with a 500, one ending in `-slow` answers in 1.5 s,
/// every other tag is healthy (a tag ending in `-bad` never deploys, so it never serves).
///
/// The counts are worked out from the release's versions and the time, not kept: a scrape at any
/// moment sees counters that only grow, and the same history always gives the same numbers.
struct ReleaseTraffic: Sendable, Equatable {
    /// How a version answers its requests.
    enum Health: String, Sendable {
        case healthy, sick, slow

        init(tag: String?) {
            switch tag {
            case let tag? where tag.hasSuffix("-sick"): self = .sick
            case let tag? where tag.hasSuffix("-slow"): self = .slow
            default: self = .healthy
            }
        }

        /// The share of requests answered with a 500.
        var errorShare: Double { self == .sick ? 0.2 : 0 }
        /// How long each request takes, in seconds.
        var latency: Double { self == .slow ? 1.5 : 0.03 }
    }

    /// Requests a second, whatever the version: one every tenth of a second on the clock.
    static let requestsPerSecond = 10.0
    /// The upper bounds of the latency histogram's buckets, in seconds.
    static let buckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    var ok = 0
    var errors = 0
    /// Requests per bucket bound (not cumulative), the last one for `+Inf`.
    var perBucket = [Int](repeating: 0, count: buckets.count + 1)
    var latencySum = 0.0

    var total: Int { ok + errors }

    /// The traffic a release has served up to `now`: from each deployed version, from when it became
    /// ready until the next deployed version did (a failed or pending one serves nothing).
    init(_ release: StoredRelease, at now: Double) {
        let serving = release.versions.filter { $0.status(at: now) == .deployed }
        for (index, version) in serving.enumerated() {
            let end = index + 1 < serving.count ? serving[index + 1].readyAt : release.deletingUntil.map { min($0, now) } ?? now
            let health = version.health.flatMap(Health.init(rawValue:)) ?? Health(tag: version.values["imageTag"]?.scalarText)
            add(max(0, Self.ticks(end) - Self.ticks(version.readyAt)), health)
        }
    }

    /// The requests served from the epoch to `time`: one every tenth of a second on the clock, so that
    /// what each version served adds up however the times round.
    private static func ticks(_ time: Double) -> Int { Int((time * requestsPerSecond).rounded(.down)) }

    private mutating func add(_ requests: Int, _ health: Health) {
        let failed = Int((Double(requests) * health.errorShare).rounded(.down))
        errors += failed
        ok += requests - failed
        let bucket = Self.buckets.firstIndex { health.latency <= $0 } ?? Self.buckets.count
        perBucket[bucket] += requests
        latencySum += Double(requests) * health.latency
    }
}
