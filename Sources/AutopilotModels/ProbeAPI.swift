/// What an HTTP probe asks: one request, and its answer's status and body. The runtime probes
/// through it, so tests and other programs can answer probes their own way.
public protocol ProbeAPI: Sendable {
    /// Sends `method` to `url` and reads the whole answer, within `timeout`.
    func probe(_ method: String, _ url: String, timeout: Duration) async throws -> ProbeAnswer
}

/// A probe's answer.
public struct ProbeAnswer: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body as text.
    public var body: String

    /// An answer.
    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}
