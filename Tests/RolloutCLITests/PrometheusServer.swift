import AutopilotClient
import AutopilotTesting
import Foundation
import Glibc
import Testing

/// A real Prometheus server (Debian's `prometheus`, which `.ci/run` installs) on a free loopback
/// port, scraping an emulator's `/metrics` every second, with its data in a folder of its own.
struct PrometheusServer {
    let child: Child
    let url: URL
    /// The `Authorization` header its own queries send, when it asks for basic authentication.
    var authorization: [String: String] = [:]

    /// The user and password of `withBasicAuth`; Prometheus keeps only the bcrypt hash (cost 4, made
    /// once with Python's bcrypt) of the password.
    static let user = "rollout"
    static let password = "rollout-test-password"
    static let passwordHash = "$2b$04$jaQC6mdDu814rwDVuGfRXOyKgOL68GciUEDsx7xhCWO9l8sUESBnK"

    /// Starts Prometheus scraping `target` and returns once it answers its readiness check; with
    /// `withBasicAuth`, it answers only `user` with `password`.
    static func start(scraping target: URL, home: URL, withBasicAuth: Bool = false) async throws -> PrometheusServer {
        let port = try FreePort.take()
        var webConfig: [String] = []
        var authorization: [String: String] = [:]
        if withBasicAuth {
            let file = home.appendingPathComponent("prometheus-web.yml")
            try "basic_auth_users:\n  \(user): \(passwordHash)\n".write(to: file, atomically: true, encoding: .utf8)
            webConfig = ["--web.config.file=\(file.path)"]
            authorization["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        let config = home.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: emulator
                static_configs:
                  - targets: ["\(target.host ?? "127.0.0.1"):\(target.port ?? 80)"]
            """.write(to: config, atomically: true, encoding: .utf8)
        let child = Child.start(
            "/usr/bin/prometheus",
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(home.appendingPathComponent("prometheus-data").path)",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ] + webConfig,
            environment: ProcessInfo.processInfo.environment)
        let server = PrometheusServer(child: child, url: URL(string: "http://127.0.0.1:\(port)")!, authorization: authorization)
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(30) {
            if child.status.isSet { throw CLIFailure("prometheus exited: \(await child.output().err)") }
            if let ready = try? await RawRequest(method: "GET", path: "/-/ready", headers: authorization).send(to: server.url),
                ready.status == 200
            {
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        await child.kill()
        throw CLIFailure("prometheus did not become ready within 30 s")
    }

    /// The value of an instant query, or nil while it has no result.
    func value(of query: String) async throws -> Double? {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let answer = try await RawRequest(method: "GET", path: "/api/v1/query", query: "query=\(encoded)", headers: authorization).send(to: url)
        let json = try JSONValue.parse(answer.body)
        guard json["status"] == "success", case .array(let results)? = json["data"]?["result"], let first = results.first,
            case .array(let sample)? = first["value"], sample.count == 2
        else { return nil }
        return sample[1].scalarText.flatMap(Double.init)
    }

    /// Waits (up to `limit`) until `query` has a value, and returns it.
    func waitForValue(of query: String, limit: Duration = .seconds(30)) async throws -> Double? {
        var value: Double?
        try await EveryRunTests.waitUntil("a value of \(query)", limit: limit) {
            value = try await self.value(of: query)
            return value != nil
        }
        return value
    }

    /// Waits (up to `limit`) until `query` has a result: a filter such as `rate(...) == 0` holds.
    func waitFor(_ query: String, limit: Duration = .seconds(30)) async throws {
        _ = try await waitForValue(of: query, limit: limit)
    }

    func stop() async { await child.kill(SIGTERM) }
}

/// A loopback port free now, for a server that must be told its port.
enum FreePort {
    static func take() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CLIFailure("no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
