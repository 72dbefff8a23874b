import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OpenAPIRuntime

/// Turns whatever the HTTP stack threw into an `AutopilotError` that says which failure it was.
enum TransportFailureClassifier {
    /// The error the runtime wrapped, unwrapped to its cause.
    static func unwrap(_ error: any Error) -> any Error {
        var current = error
        while let client = current as? ClientError { current = client.underlyingError }
        return current
    }

    /// An `AutopilotError` for any error thrown below the error middleware.
    static func autopilotError(for error: any Error, host: String) -> AutopilotError {
        let cause = unwrap(error)
        if let known = cause as? AutopilotError { return known }
        if cause is CancellationError || (cause as? HTTPClientError) == .cancelled {
            return AutopilotError(kind: .cancelled, message: "cancelled; the server may still be working on the request")
        }
        return .transport(failure(for: cause, host: host))
    }

    /// The cause of a transport error.
    static func failure(for error: any Error, host: String) -> TransportFailure {
        let cause = unwrap(error)
        let detail = String(describing: cause)
        func make(_ kind: TransportFailure.Cause) -> TransportFailure {
            TransportFailure(cause: kind, host: host, detail: detail)
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
                return TransportFailure(cause: .proxy, host: host, detail: "the proxy asks for a user and password (407); put them in the proxy URL, http://user:password@host:port")
            case .invalidProxyResponse, .httpProxyHandshakeTimeout:
                return TransportFailure(cause: .proxy, host: host, detail: "the proxy did not open a tunnel to \(host) (\(detail))")
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
        if cause is NIOSSLError || cause is BoringSSLError {
            guard detail.contains("CERTIFICATE_VERIFY_FAILED") else { return make(.tls) }
            return TransportFailure(
                cause: .tls, host: host,
                detail: "the server's certificate is not trusted here; if a company proxy or a private CA signs it, pass its CA bundle with --ca-file (or SSL_CERT_FILE) (\(detail))")
        }
        if cause is ChannelError {
            return (cause as? ChannelError) == .connectTimeout(.zero) ? make(.connectTimeout) : make(.connectionClosed)
        }
        if detail.contains("connectTimeout") { return make(.connectTimeout) }
        // A body cut short (the answer's stream ended early) is a connection the server closed.
        if detail.contains("stream ended") { return make(.connectionClosed) }
        if detail.localizedCaseInsensitiveContains("refused") { return make(.connectionRefused) }
        return make(.other)
    }
}
