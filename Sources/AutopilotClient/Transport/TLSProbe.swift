import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// After a certificate did not verify, reads the certificate the server presents (without
/// trusting it or sending anything) to say why when its dates are the cause: the TLS library
/// says only that verification failed, and "expired" is what the user has to act on.
enum TLSProbe {
    /// The server's own certificate, or nil when it cannot be read in 3 s.
    static func leaf(host: String, port: Int) async -> NIOSSLCertificate? {
        let found = Found()
        do {
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            let name = IPv4.isAddress(host) ? nil : host
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(3))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let verify: NIOSSLCustomVerificationCallback = { certificates, verdict in
                            found.keep(certificates.first)
                            verdict.succeed(NIOSSLVerificationResult.failed)  // only the certificate was wanted
                        }
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: name, customVerificationCallback: verify)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port).get()
            _ = try? await withTimeLimit(.seconds(3)) { try await channel.closeFuture.get() }
            try? await channel.close()
        } catch {}
        return found.certificate
    }

    /// The sentence about a certificate out of its dates, or nil when its dates are fine.
    static func dates(of certificate: NIOSSLCertificate, now: Date = Date()) -> String? {
        let after = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
        let before = Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore))
        if after < now { return "the server's certificate expired on \(after.formatted(.iso8601)); it has to be renewed" }
        if before > now { return "the server's certificate is not valid until \(before.formatted(.iso8601)); check this machine's clock" }
        return nil
    }

    /// A certificate kept from the event loop for the caller.
    private final class Found: Sendable {
        private let value = Mutex<NIOSSLCertificate?>(nil)
        func keep(_ certificate: NIOSSLCertificate?) { value.withLock { $0 = certificate } }
        var certificate: NIOSSLCertificate? { value.withLock { $0 } }
    }
}

extension TransportFailureClassifier {
    /// The error, with the reason a certificate did not verify when the server's certificate says
    /// it (out of its dates); read only on a direct connection, after the failure.
    static func explained(_ error: AutopilotError, url: URL, path: CallPath) async -> AutopilotError {
        guard let failure = error.transportFailure, failure.cause == .tls, failure.detail.contains("CERTIFICATE_VERIFY_FAILED"),
            path.proxy == nil, let host = url.host
        else { return error }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        guard let leaf = await TLSProbe.leaf(host: bare, port: url.port ?? 443), let sentence = TLSProbe.dates(of: leaf) else {
            return error
        }
        return .transport(TransportFailure(cause: .tls, host: failure.host, detail: sentence))
    }
}
