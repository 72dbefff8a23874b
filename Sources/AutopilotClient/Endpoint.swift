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

    /// CCE's endpoint in a known region (`Region`), e.g. `https://cce.cn-north-4.myhuaweicloud.com`;
    /// `.eu` for the European sovereign region `eu-west-101`.
    public static func region(_ region: String) throws(RegionProblem) -> Endpoint {
        try Region(region).endpoint
    }

    /// The base URL's path without a trailing `/`, which every call's path is appended to (and
    /// signed with).
    public var pathPrefix: String {
        let path = url.path
        return path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// A URL for a path under the base URL, with an optional query already in canonical form.
    func url(path: String, query: String = "") -> URL {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        components.percentEncodedPath = pathPrefix + path
        components.percentEncodedQuery = query.isEmpty ? nil : query
        return components.url!
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
