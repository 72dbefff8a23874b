public import AutopilotModels
import Foundation
import NIOHTTP1

/// Sends an analysis's HTTP probes, through the same proxy and TLS settings as the Autopilot calls.
public struct HTTPProbe: ProbeAPI {
    /// Proxies and TLS trust.
    public var network: NetworkSettings

    /// A probe sender.
    public init(network: NetworkSettings = NetworkSettings()) {
        self.network = network
    }

    /// Sends the request and reads the answer; any status is an answer, for the analysis to judge.
    public func probe(_ method: String, _ url: String, timeout: Duration) async throws -> ProbeAnswer {
        guard let parsed = URL(string: url), parsed.host != nil else {
            throw AutopilotError(kind: .invalidRequest, message: "'\(url)' is not a URL")
        }
        let answer = try await ServiceCall(network: network, timeout: timeout).send(HTTPMethod(rawValue: method), parsed, service: "the probe of \(url)")
        return ProbeAnswer(status: answer.status, body: answer.text)
    }
}
