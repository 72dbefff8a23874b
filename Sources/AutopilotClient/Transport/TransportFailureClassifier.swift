import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OpenAPIRuntime

/// Turns whatever the HTTP stack threw into an `AutopilotError` that says which failure it was,
/// and what to do about it where the cause is clear.
enum TransportFailureClassifier {
    /// The error the runtime wrapped, unwrapped to its cause.
    static func unwrap(_ error: any Error) -> any Error {
        var current = error
        while let client = current as? ClientError { current = client.underlyingError }
        return current
    }

    /// An `AutopilotError` for any error thrown below the error middleware.
    static func autopilotError(for error: any Error, path: CallPath) -> AutopilotError {
        let cause = unwrap(error)
        if let known = cause as? AutopilotError { return known }
        if cause is CancellationError || (cause as? HTTPClientError) == .cancelled {
            return AutopilotError(kind: .cancelled, message: "cancelled; the server may still be working on the request")
        }
        return .transport(failure(for: cause, path: path))
    }

    /// The cause of a transport error.
    static func failure(for error: any Error, path: CallPath) -> TransportFailure {
        let cause = unwrap(error)
        let detail = String(describing: cause)
        func make(_ kind: TransportFailure.Cause, _ words: String = detail) -> TransportFailure {
            TransportFailure(cause: kind, host: path.shown, detail: words)
        }
        if cause is TimeLimitExceeded { return make(.deadlineExceeded) }
        if let http = cause as? HTTPClientError {
            switch http {
            case .connectTimeout, .getConnectionFromPoolTimeout: return make(.connectTimeout)
            case .readTimeout, .writeTimeout: return make(.readTimeout)
            case .deadlineExceeded: return make(.deadlineExceeded)
            case .remoteConnectionClosed: return make(.connectionClosed)
            case .tlsHandshakeTimeout: return make(.tls)
            case .proxyAuthenticationRequired:
                guard path.proxy?.user != nil else {
                    return make(.proxy, "the proxy asks for a user and password (407); put them in the proxy URL, http://user:password@host:port")
                }
                return make(.proxy, "the proxy did not accept the user and password in its URL (407); check them, and percent-escape any @ : / in them")
            case .invalidProxyResponse:
                return make(.proxy, "the proxy refused to open a tunnel to \(path.host) (its rules may not allow that host: a 403 or 5xx to CONNECT)")
            case .httpProxyHandshakeTimeout:
                return make(.proxy, "the proxy did not answer the request for a tunnel to \(path.host) in time")
            default: return make(.other)
            }
        }
        if let io = cause as? IOError {
            switch io.errnoCode {
            case 111: return make(.connectionRefused)  // ECONNREFUSED
            case 104, 32: return make(.connectionClosed)  // ECONNRESET, EPIPE
            case 110: return make(.connectTimeout)  // ETIMEDOUT
            default: return make(.other)
            }
        }
        if let connection = cause as? NIOConnectionError {
            if connection.dnsAError != nil && connection.connectionErrors.isEmpty { return make(.dns) }
            let refused = connection.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == 111 }
            return make(refused ? .connectionRefused : .other)
        }
        if let tls = tlsFailure(cause, detail: detail, path: path) { return make(.tls, tls) }
        if cause is ChannelError {
            return (cause as? ChannelError) == .connectTimeout(.zero) ? make(.connectTimeout) : make(.connectionClosed)
        }
        if detail.contains("connectTimeout") { return make(.connectTimeout) }
        // A body cut short (the answer's stream ended early) is a connection the server closed.
        if detail.contains("stream ended") { return make(.connectionClosed) }
        if detail.localizedCaseInsensitiveContains("refused") { return make(.connectionRefused) }
        return make(.other)
    }

    /// What a TLS failure means for the user: a certificate for another name, one the trusted
    /// authorities did not sign (or out of its dates), or the handshake itself.
    private static func tlsFailure(_ cause: any Error, detail: String, path: CallPath) -> String? {
        if let extra = cause as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the server's certificate is not for \(path.host): it names other hosts (check the endpoint's host name)"
        }
        guard cause is NIOSSLError || cause is BoringSSLError || cause is NIOSSLExtraError else { return nil }
        guard detail.contains("CERTIFICATE_VERIFY_FAILED") else { return "the TLS handshake failed (\(detail))" }
        if let caFile = path.caFile {
            return "the server's certificate did not verify against the CA file \(caFile): it is signed by another authority, or it has expired or is not valid yet (\(detail))"
        }
        return "the server's certificate is not trusted here: it is signed by an authority the system does not trust (a company proxy or a private CA: pass its CA bundle with --ca-file or SSL_CERT_FILE), or it has expired or is not valid yet (\(detail))"
    }
}
