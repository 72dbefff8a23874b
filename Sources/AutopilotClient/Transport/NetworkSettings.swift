import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOSSL

/// How calls reach a host: the proxies, the certificate authorities trusted for TLS, and whether
/// TLS is verified at all. One value serves the API, IAM and the credential services alike.
public struct NetworkSettings: Sendable {
    /// Which calls go through which proxy.
    public var proxies: ProxyRules = .direct
    /// A PEM file of certificate authorities to trust instead of the system's (`--ca-file`,
    /// `SSL_CERT_FILE`), e.g. a company's TLS-inspecting proxy or a private endpoint.
    public var caFile: String?
    /// Skips TLS certificate verification. Only for a private endpoint with a self-signed
    /// certificate; the command warns on every run that sets it.
    public var insecureSkipTLSVerification = false

    /// Direct connections, the system's certificate authorities, verification on.
    public init() {}

    /// Where calls to `url` go, as their failures describe them.
    func path(to url: URL) -> CallPath {
        CallPath(host: Endpoint(url: url).hostHeader, proxy: proxies.proxy(for: url), caFile: url.scheme == "https" ? caFile : nil)
    }

    /// The HTTP client settings for calls to `url`: its proxy (or none), TLS trust and timeouts.
    /// Throws when the CA file cannot be read as PEM certificates.
    func httpConfiguration(for url: URL, connectTimeout: Duration, readTimeout: Duration) throws(AutopilotError)
        -> HTTPClient.Configuration
    {
        var http = HTTPClient.Configuration()
        http.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: .nanoseconds(readTimeout.nanoseconds))
        http.redirectConfiguration = .disallow
        if let proxy = proxies.proxy(for: url) {
            let authorization = proxy.user.map { user in
                HTTPClient.Authorization.basic(username: user, password: proxy.password?.value ?? "")
            }
            http.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        if caFile != nil || insecureSkipTLSVerification {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile {
                do {
                    let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                    guard !certificates.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
                    tls.trustRoots = .certificates(certificates)
                } catch {
                    throw AutopilotError(
                        kind: .invalidRequest,
                        message: "cannot use the CA file \(caFile): it is missing or holds no PEM certificate (\(error))")
                }
            }
            if insecureSkipTLSVerification { tls.certificateVerification = .none }
            http.tlsConfiguration = tls
        }
        return http
    }
}

/// Where a call goes, as its failures describe it: the host, the proxy on the way and the CA file
/// trusted, so that a refused connection, a proxy's 407 or a certificate that does not verify is
/// put down to its real cause.
struct CallPath: Sendable {
    /// `host[:port]`.
    var host: String
    /// The proxy the call goes through, if any.
    var proxy: ProxyServer?
    /// The CA file trusted instead of the system's, for an https call.
    var caFile: String?

    /// The host, with the proxy the call goes through, since a refused connection may be the proxy's.
    var shown: String { proxy.map { "\(host) through the proxy \($0)" } ?? host }
}
