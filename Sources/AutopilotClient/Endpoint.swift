public import Foundation

/// Where the API lives: a Huawei Cloud region, or any base URL (an emulator, a private endpoint).
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The base URL every path is appended to.
    public let url: URL

    /// Any base URL, e.g. the emulator's `http://127.0.0.1:8080`.
    public init(url: URL) { self.url = url }

    /// Parses a base URL as every setting that names one takes it (`--endpoint`, a region override,
    /// IAM, the credential services): `http(s)://host[:port][/path]`, a port from 1 to 65535, no
    /// user or fragment, and a query only where `queryAllowed` (a full URI rather than a base).
    /// Throws saying what is wrong.
    public init(parsing text: String, queryAllowed: Bool = false) throws(EndpointProblem) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func problem(_ reason: String) -> EndpointProblem { EndpointProblem(text: ProxyServer.masked(trimmed), reason: reason) }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw problem("it is not a URL like https://cce.cn-north-4.myhuaweicloud.com")
        }
        guard scheme == "http" || scheme == "https" else { throw problem("it must start with http:// or https://") }
        guard let host = components.host, !host.isEmpty else { throw problem("it names no host") }
        guard components.user == nil, components.password == nil else {
            throw problem("an endpoint carries no user or password (credentials come from the credential settings)")
        }
        guard queryAllowed || components.query == nil, components.fragment == nil else {
            throw problem("a base URL has no query or fragment")
        }
        do { _ = try Self.writtenPort(in: trimmed) } catch { throw problem(error.reason) }
        guard let url = components.url else { throw problem("it is not a URL like https://cce.cn-north-4.myhuaweicloud.com") }
        self.url = url
    }

    /// Parses a base URL; nil when `init(parsing:)` would throw.
    public init?(string: String) {
        guard let endpoint = try? Endpoint(parsing: string) else { return nil }
        self = endpoint
    }

    /// The port written in a URL's authority (`scheme://[user@]host[:port]/…`): nil when none is
    /// written, and an error when it is not a number from 1 to 65535. URL parsers take any digits
    /// and the connection libraries then crash or wrap them (`:104691` reaching `:39155`), so every
    /// URL a user gives passes here first.
    static func writtenPort(in text: String) throws(EndpointProblem) -> Int? {
        var authority = Substring(text)
        if let scheme = authority.range(of: "://") { authority = authority[scheme.upperBound...] }
        authority = authority.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            authority = authority[authority.index(after: close)...]
        } else if authority.filter({ $0 == ":" }).count > 1 {
            return nil  // a bare IPv6 address, which URL parsing refuses anyway
        }
        guard let colon = authority.firstIndex(of: ":") else { return nil }
        let digits = authority[authority.index(after: colon)...]
        if digits.isEmpty { return nil }
        guard digits.count <= 5, digits.allSatisfy(\.isASCII), let port = Int(digits), (1...65535).contains(port) else {
            throw EndpointProblem(text: ProxyServer.masked(text), reason: "the port \(digits) is not a number from 1 to 65535")
        }
        return port
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

/// A URL setting that is not a usable endpoint, and why.
public struct EndpointProblem: Error, Sendable, CustomStringConvertible {
    /// The setting as given, with any password masked.
    public var text: String
    /// Why it is refused.
    public var reason: String
    /// `'x' is not a usable URL: ...`.
    public var description: String { "'\(text)' is not a usable URL: \(reason)" }
}
