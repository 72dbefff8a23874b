public import Foundation
import NIOHTTP1

extension AutopilotClient {
    /// The proxy calls to the endpoint go through, or nil for direct.
    public var proxy: ProxyServer? { configuration.network.proxies.proxy(for: configuration.endpoint.url) }

    /// The server's clock, from the `Date` header of an unsigned `GET` of the endpoint (any status
    /// will do); nil when the answer has no such header. What `rollout doctor` compares with this
    /// machine's clock, since signatures are valid for 15 minutes.
    public func serverDate() async throws(AutopilotError) -> Date? {
        let answer = try await ServiceCall(network: configuration.network, timeout: .seconds(10)).send(
            .GET, configuration.endpoint.url, service: "the endpoint \(configuration.endpoint)")
        return answer.headers.first(name: "Date").flatMap(HTTPDate.parse)
    }
}
