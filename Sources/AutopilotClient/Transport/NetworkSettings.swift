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

    /// The host of `url` as failures name it: with the proxy the calls go through, since a refused
    /// connection may be the proxy's.
    func shownHost(for url: URL) -> String {
        let host = Endpoint(url: url).hostHeader
        return proxies.proxy(for: url).map { "\(host) through the proxy \($0)" } ?? host
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
