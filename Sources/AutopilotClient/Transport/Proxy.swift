public import Foundation

/// An HTTP proxy that calls go through, `http://[user:password@]host[:port]` (CONNECT for every
/// call, so TLS runs end to end). The password is a secret: it never shows in `description`.
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible {
    /// The proxy's host.
    public var host: String
    /// The proxy's port (80 when the URL names none, as curl assumes 1080 only for SOCKS).
    public var port: Int
    /// The user for `Proxy-Authorization: Basic`, when the URL has one.
    public var user: String?
    /// The user's password.
    public var password: Secret?

    /// A proxy at a host and port, optionally with a user and password.
    public init(host: String, port: Int, user: String? = nil, password: Secret? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
    }

    /// Parses a proxy URL as curl and Huawei's SDKs take it: `http://` (or no scheme), a host, an
    /// optional port, optionally `user:password@` with percent-escapes.
    public init(url text: String) throws(ProxyProblem) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let withScheme = trimmed.contains("://") ? trimmed : "http://\(trimmed)"
        guard let url = URLComponents(string: withScheme), let host = url.host, !host.isEmpty else {
            throw ProxyProblem(text: ProxyServer.masked(trimmed), reason: "it is not a URL like http://proxy.example.com:3128")
        }
        guard url.scheme?.lowercased() == "http" else {
            throw ProxyProblem(
                text: ProxyServer.masked(trimmed),
                reason: "only http:// proxies are supported (calls to https endpoints go through them with CONNECT)")
        }
        guard (url.path.isEmpty || url.path == "/"), url.query == nil else {
            throw ProxyProblem(text: ProxyServer.masked(trimmed), reason: "a proxy URL has no path or query")
        }
        do { _ = try Endpoint.writtenPort(in: withScheme) } catch {
            throw ProxyProblem(text: ProxyServer.masked(trimmed), reason: error.reason)
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = url.port ?? 80
        self.user = url.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 }
        self.password = url.percentEncodedPassword.map { Secret($0.removingPercentEncoding ?? $0) }
    }

    /// `http://user:***@host:port`: what may be printed of a proxy.
    public var description: String {
        let credentials = user.map { user in "\(user)\(password == nil ? "" : ":***")@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(credentials)\(shownHost):\(port)"
    }

    /// A proxy URL as text with any password replaced by `***`, for messages about text that did not parse.
    public static func masked(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@") else { return text }
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        let credentials = text[start..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// A proxy setting that is not a usable proxy URL.
public struct ProxyProblem: Error, Sendable, CustomStringConvertible {
    /// The setting, with any password masked.
    public var text: String
    /// Why it is refused.
    public var reason: String
    /// `'x' is not a usable proxy: ...`.
    public var description: String { "'\(text)' is not a usable proxy: \(reason)" }
}

/// Which calls go through which proxy: an explicit proxy or the environment's `HTTPS_PROXY` and
/// `HTTP_PROXY`, and the hosts `NO_PROXY` sends direct. Both cases of each variable are read, the
/// lower-case one first, as curl and Python's `requests` do.
public struct ProxyRules: Sendable, Hashable {
    /// The proxy for `https://` URLs.
    public var https: ProxyServer?
    /// The proxy for `http://` URLs.
    public var http: ProxyServer?
    /// The hosts reached directly.
    public var noProxy: [NoProxyEntry]

    /// Rules from proxies and a `NO_PROXY` list.
    public init(https: ProxyServer? = nil, http: ProxyServer? = nil, noProxy: [NoProxyEntry] = []) {
        self.https = https
        self.http = http
        self.noProxy = noProxy
    }

    /// No proxy at all.
    public static let direct = ProxyRules()

    /// The rules the environment sets; `explicit` (a flag or a profile setting) stands in for both
    /// `HTTPS_PROXY` and `HTTP_PROXY` when given.
    public static func from(environment: [String: String], explicit: String? = nil) throws(ProxyProblem) -> ProxyRules {
        func variable(_ name: String) -> String? {
            (environment[name.lowercased()] ?? environment[name.uppercased()]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let noProxy = NoProxyEntry.list(variable("no_proxy") ?? "")
        if let explicit {
            let proxy = try ProxyServer(url: explicit)
            return ProxyRules(https: proxy, http: proxy, noProxy: noProxy)
        }
        return ProxyRules(
            https: try variable("https_proxy").map { text throws(ProxyProblem) in try ProxyServer(url: text) },
            http: try variable("http_proxy").map { text throws(ProxyProblem) in try ProxyServer(url: text) },
            noProxy: noProxy)
    }

    /// The proxy a call to `url` goes through, or nil to go direct.
    public func proxy(for url: URL) -> ProxyServer? {
        let secure = url.scheme?.lowercased() == "https"
        guard let proxy = secure ? https : http, let host = url.host?.lowercased() else { return nil }
        let port = url.port ?? (secure ? 443 : 80)
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return noProxy.contains { $0.matches(host: bare, port: port) } ? nil : proxy
    }
}

/// One entry of `NO_PROXY`: `*`, a domain (`example.com` and `.example.com` both match the domain
/// and every host under it), an IP address, an IPv4 CIDR block (`10.0.0.0/8`), each optionally
/// with `:port`.
public struct NoProxyEntry: Sendable, Hashable {
    private enum Pattern: Hashable {
        case everything
        case domain(String)
        case address(String)
        case block(network: UInt32, prefix: Int)
    }
    private let pattern: Pattern
    private let port: Int?

    /// Reads a comma- or space-separated `NO_PROXY` list; entries that are empty are skipped.
    public static func list(_ text: String) -> [NoProxyEntry] {
        text.split(whereSeparator: { $0 == "," || $0 == " " }).compactMap { NoProxyEntry(String($0)) }
    }

    /// One entry; nil for an empty one.
    public init?(_ text: String) {
        var entry = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !entry.isEmpty else { return nil }
        var port: Int?
        if entry.hasPrefix("[") {
            // [v6]:port or [v6]
            guard let close = entry.firstIndex(of: "]") else { return nil }
            let rest = entry[entry.index(after: close)...]
            if rest.hasPrefix(":") { port = Int(rest.dropFirst()) }
            entry = String(entry[entry.index(after: entry.startIndex)..<close])
        } else if entry.filter({ $0 == ":" }).count == 1, let colon = entry.lastIndex(of: ":"),
            let number = Int(entry[entry.index(after: colon)...])
        {
            port = number
            entry = String(entry[..<colon])
        }
        self.port = port
        if entry == "*" {
            pattern = .everything
        } else if let slash = entry.firstIndex(of: "/"), let network = IPv4.parse(String(entry[..<slash])),
            let prefix = Int(entry[entry.index(after: slash)...]), (0...32).contains(prefix)
        {
            pattern = .block(network: network, prefix: prefix)
        } else if IPv4.parse(entry) != nil || entry.contains(":") {
            pattern = .address(entry)
        } else {
            var domain = Substring(entry)
            while domain.hasPrefix("*") || domain.hasPrefix(".") { domain = domain.dropFirst() }
            pattern = .domain(String(domain))
        }
    }

    /// True when a call to `host:port` goes direct.
    public func matches(host: String, port: Int) -> Bool {
        if let wanted = self.port, wanted != port { return false }
        switch pattern {
        case .everything: return true
        case .domain(let domain):
            // An address is not a name under a domain: `.0.0.1` does not send 127.0.0.1 direct.
            guard !IPv4.isAddress(host) else { return host == domain }
            return host == domain || host.hasSuffix(".\(domain)")
        case .address(let address): return host == address
        case .block(let network, let prefix):
            guard let address = IPv4.parse(host) else { return false }
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
            return address & mask == network & mask
        }
    }
}

/// Dotted-quad IPv4 addresses as numbers, for `NO_PROXY` blocks.
enum IPv4 {
    /// True for a host that is an address (IPv4, or IPv6 without its brackets), not a name.
    static func isAddress(_ host: String) -> Bool { parse(host) != nil || host.contains(":") }

    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}
