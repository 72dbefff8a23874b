import AutopilotClient

/// What the emulator does beyond answering: how long deploys take, and the faults it injects.
public struct EmulatorSettings: Codable, Sendable, Equatable {
    /// Seconds from a change to its final status.
    public var deployTime: Double
    /// The faults to inject.
    public var faults: FaultSettings

    /// The number of charts a project may hold.
    static let chartQuota = 100
    /// "Never", as a time that JSON can still hold.
    static let never = 1e18

    /// Settings with a deploy time and faults.
    public init(deployTime: Double = 2, faults: FaultSettings = FaultSettings()) {
        self.deployTime = deployTime
        self.faults = faults
    }

    func readyTime(for release: String, from now: Double) -> Double {
        faults.isStuck(release: release) ? Self.never : now + deployTime
    }
}

/// Faults a user rehearses against: deploys that fail, changes that never settle, latency, error
/// answers and dropped connections. Set by flags or `PUT /_emulator/faults`.
public struct FaultSettings: Codable, Sendable, Equatable {
    /// Deploys whose `imageTag` matches one of these patterns (`*` and `?`) fail.
    public var failTags: [String]
    /// Deploys of these releases (names or patterns) fail.
    public var failReleases: [String]
    /// Changes to these releases (names or patterns; `*` for all) stay `PENDING_*`.
    public var stuckReleases: [String]
    /// Upgrades and installs of these releases (names or patterns) deploy fine but serve like a
    /// `-sick` tag, whatever their tag; a rollback serves as the version it goes back to did.
    public var sickReleases: [String]
    /// Milliseconds added to every answer.
    public var latencyMs: Int
    /// The share (0 to 1) of requests answered with one of `errorStatuses` instead.
    public var errorRate: Double
    /// The statuses `errorRate` answers with; 429 and 503 carry `Retry-After`.
    public var errorStatuses: [Int]
    /// The seconds of `Retry-After` on injected 429 and 503 answers.
    public var retryAfterSeconds: Int
    /// The share (0 to 1) of requests whose connection is dropped after the request was handled.
    public var dropRate: Double
    /// The requests a second answered before the rest get the real API's request-count 429
    /// (`CCE.02429001`, with `Retry-After`); 0 for no limit.
    public var requestsPerSecond: Double
    /// The changes that may be under way (`PENDING_*`) at once in the project before a new one
    /// gets the real API's concurrent-task 429 (`CCE.01429003`); 0 for no limit.
    public var concurrentChanges: Int

    /// No faults.
    public init(
        failTags: [String] = [], failReleases: [String] = [], stuckReleases: [String] = [], sickReleases: [String] = [], latencyMs: Int = 0,
        errorRate: Double = 0, errorStatuses: [Int] = [500, 503, 429], retryAfterSeconds: Int = 1, dropRate: Double = 0,
        requestsPerSecond: Double = 0, concurrentChanges: Int = 0
    ) {
        self.failTags = failTags
        self.failReleases = failReleases
        self.stuckReleases = stuckReleases
        self.sickReleases = sickReleases
        self.latencyMs = latencyMs
        self.errorRate = errorRate
        self.errorStatuses = errorStatuses
        self.retryAfterSeconds = retryAfterSeconds
        self.dropRate = dropRate
        self.requestsPerSecond = requestsPerSecond
        self.concurrentChanges = concurrentChanges
    }

    func deployFails(release: String, values: JSONValue) -> Bool {
        if failReleases.contains(where: { NamePattern.matches(release, $0) }) { return true }
        guard let tag = values["imageTag"]?.scalarText else { return false }
        return failTags.contains { NamePattern.matches(tag, $0) }
    }

    func servesSick(release: String) -> Bool {
        sickReleases.contains { NamePattern.matches(release, $0) }
    }

    func isStuck(release: String) -> Bool {
        stuckReleases.contains { NamePattern.matches(release, $0) }
    }

    /// Checks the ranges; nil when fine, else what is wrong.
    public var problem: String? {
        if !(0...1).contains(errorRate) { return "errorRate must be between 0 and 1" }
        if !(0...1).contains(dropRate) { return "dropRate must be between 0 and 1" }
        if latencyMs < 0 || latencyMs > 600_000 { return "latencyMs must be between 0 and 600000" }
        if !(0...1_000_000).contains(requestsPerSecond) { return "requestsPerSecond must be between 0 (no limit) and 1000000" }
        if concurrentChanges < 0 { return "concurrentChanges must be 0 (no limit) or more" }
        if retryAfterSeconds < 0 || retryAfterSeconds > 3600 { return "retryAfterSeconds must be between 0 and 3600" }
        if errorStatuses.isEmpty || errorStatuses.contains(where: { !(400...599).contains($0) }) {
            return "errorStatuses must be HTTP error statuses"
        }
        return nil
    }

    // Decoding accepts any subset of the fields, so `{"errorRate": 0.3}` is a whole request.
    enum CodingKeys: String, CodingKey {
        case failTags, failReleases, stuckReleases, sickReleases, latencyMs, errorRate, errorStatuses, retryAfterSeconds, dropRate
        case requestsPerSecond, concurrentChanges
    }

    /// Decodes any subset of the fields; the rest keep their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let base = FaultSettings()
        failTags = try c.decodeIfPresent([String].self, forKey: .failTags) ?? base.failTags
        failReleases = try c.decodeIfPresent([String].self, forKey: .failReleases) ?? base.failReleases
        stuckReleases = try c.decodeIfPresent([String].self, forKey: .stuckReleases) ?? base.stuckReleases
        sickReleases = try c.decodeIfPresent([String].self, forKey: .sickReleases) ?? base.sickReleases
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? base.latencyMs
        errorRate = try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? base.errorRate
        errorStatuses = try c.decodeIfPresent([Int].self, forKey: .errorStatuses) ?? base.errorStatuses
        retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? base.retryAfterSeconds
        dropRate = try c.decodeIfPresent(Double.self, forKey: .dropRate) ?? base.dropRate
        requestsPerSecond = try c.decodeIfPresent(Double.self, forKey: .requestsPerSecond) ?? base.requestsPerSecond
        concurrentChanges = try c.decodeIfPresent(Int.self, forKey: .concurrentChanges) ?? base.concurrentChanges
    }
}
