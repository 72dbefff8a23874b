public import Foundation

/// A real HTTP proxy on loopback for tests: proxy.py from the project's Python venv (see
/// `scripts/requirements.txt`), with a user and password, and its access log to read.
public final class LoopbackProxy: Sendable {
    /// The venv's `proxy` command; tests that need it are enabled only when it exists.
    public static let command = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".venv/bin/proxy").path

    /// True when the venv has proxy.py.
    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: command) }

    /// The port it listens on.
    public let port: Int
    /// The user and password it asks for.
    public let user: String, password: String
    private let process: Process
    private let log: URL

    /// Starts the proxy and waits until it listens.
    public init(user: String = "proxyuser", password: String = "proxy-pa55") throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let portFile = folder.appendingPathComponent("port")
        log = folder.appendingPathComponent("access.log")
        process = Process()
        // Foundation starts it as the leader of a process group of its own, which stopping it kills
        // with its worker processes (it ignores SIGTERM when started from a test).
        process.executableURL = URL(fileURLWithPath: Self.command)
        process.arguments = [
            "--hostname", "127.0.0.1", "--port", "0", "--port-file", portFile.path, "--basic-auth", "\(user):\(password)",
            "--num-workers", "1", "--num-acceptors", "1", "--log-file", log.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port: Int?
        for _ in 0..<200 where port == nil {
            port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard let port else {
            kill(-process.processIdentifier, SIGKILL)
            throw ProxyDidNotStart()
        }
        self.port = port
        self.user = user
        self.password = password
    }

    /// `http://user:password@127.0.0.1:port`.
    public var url: String { "http://\(user):\(password)@127.0.0.1:\(port)" }

    /// The tunnels it opened and closed, as `host:port`, from its access log; waits up to 5 s for
    /// `count` of them (it writes a line when a tunnel closes).
    public func tunnels(waitingFor count: Int = 0) -> [String] {
        var found: [String] = []
        for _ in 0..<100 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").compactMap { line in
                guard let range = line.range(of: " - CONNECT ") else { return nil }
                return line[range.upperBound...].split(separator: " ").first.map(String.init)
            }
            if found.count >= count { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return found
    }

    /// Stops the proxy and its workers.
    public func stop() {
        kill(-process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The proxy did not write its port file.
    public struct ProxyDidNotStart: Error {}
}

/// A self-signed certificate for `127.0.0.1` and `localhost`, made with openssl for a test's TLS.
public struct TestCertificate: Sendable {
    /// The PEM certificate (also the CA file a client trusts).
    public let certificateFile: String
    /// The PEM private key.
    public let keyFile: String

    /// Makes a new certificate and key in a temporary folder, for the names given in openssl's
    /// `subjectAltName` form.
    public init(names: String = "IP:127.0.0.1,DNS:localhost") throws {
        let folder = try Self.folder("tls")
        certificateFile = "\(folder)/cert.pem"
        keyFile = "\(folder)/key.pem"
        try Self.openssl(
            ["req", "-x509"] + Self.newKey + ["-days", "2", "-subj", "/CN=rollout test", "-addext", "subjectAltName=\(names)",
             "-keyout", keyFile, "-out", certificateFile])
    }

    /// openssl could not make the certificate.
    public struct OpenSSLFailed: Error {}

    /// A certificate for `127.0.0.1` that expired yesterday, signed by a CA of its own: `caFile`
    /// trusts it, and still it does not verify.
    public static func expired() throws -> (caFile: String, certificate: TestCertificate) {
        let folder = try folder("tls-expired")
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(folder)/ext", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509"] + newKey + ["-days", "2", "-subj", "/CN=rollout test CA", "-keyout", "\(folder)/ca.key", "-out", "\(folder)/ca.pem"])
        try openssl(["req"] + newKey + ["-subj", "/CN=rollout test", "-keyout", "\(folder)/key.pem", "-out", "\(folder)/server.csr"])
        try openssl([
            "x509", "-req", "-in", "\(folder)/server.csr", "-CA", "\(folder)/ca.pem", "-CAkey", "\(folder)/ca.key", "-CAcreateserial",
            "-days", "-1", "-extfile", "\(folder)/ext", "-out", "\(folder)/cert.pem",
        ])
        return ("\(folder)/ca.pem", TestCertificate(certificateFile: "\(folder)/cert.pem", keyFile: "\(folder)/key.pem"))
    }

    /// A new P-256 key, unencrypted.
    private static let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    /// A new temporary folder.
    private static func folder(_ prefix: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Runs openssl to its end; throws when it fails.
    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw OpenSSLFailed() }
    }

    private init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}
