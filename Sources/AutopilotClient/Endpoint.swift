public import Foundation

/// Where the API lives: a Huawei Cloud region, or any base URL (an emulator, a private endpoint).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The base URL every path is appended to.
    public let url: URL

    /// Any base URL, e.g. the emulator's `http://127.0.0.1:8080`.
    public init(url: URL) { self.url = url }

    /// Parses a base URL; nil when it is not an absolute http(s) URL.
    public init?(string: String) {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else { return nil }
        self.url = url
    }

    /// `https://cce.{region}.myhuaweicloud.com`, or `.eu` for the European sovereign region.
    public static func region(_ region: String) -> Endpoint {
        let domain = region == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com"
        return Endpoint(url: URL(string: "https://cce.\(region).\(domain)")!)
    }

    /// `host[:port]` as the `Host` header carries it.
    public var hostHeader: String {
        let host = url.host ?? ""
        return url.port.map { "\(host):\($0)" } ?? host
    }

    /// True for `http://` and loopback or local hosts.
    public var isLocal: Bool {
        let host = url.host ?? ""
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    /// The base URL as text.
    public var description: String { url.absoluteString }
}
