import ArgumentParser
import AutopilotClient
import Foundation
import RolloutRuntime

/// `rollout doctor`: the first command to run against a new account. Each line names one thing
/// rollout depends on (target, credentials and their source, project, proxy, TLS trust, clock, a
/// signed read, the sources analyses measure with, the state), passes or fails, and on failure says
/// what to do next. No release is changed.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the target, credentials, project, proxy, TLS, clock, one signed read, the analyses' Prometheus and AOM, and the state; no release is changed.")

    @OptionGroup var target: TargetOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var stateOptions: StateOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let style = Style(enabled: RunCommand.useColor(output.color, environment: environment))
        var report = DoctorReport(style: style)
        let choice: TargetChoice
        do {
            choice = try TargetChoice.resolve(target, environment: environment)
        } catch {
            let line = (error as? CLIError)?.topic ?? "target"
            report.fail(line, String(describing: error), next: "fix the setting named, then run rollout doctor again")
            throw CLIExit(code: 1)
        }
        let session: Session
        do {
            session = try await Session.open(choice, debug: output.debug, style: style)
        } catch {
            report.fail("target", String(describing: error), next: "fix the setting named, then run rollout doctor again")
            throw CLIExit(code: 1)
        }
        await Self.check(choice, session.client, url: session.url, into: &report)
        await Self.checkSources(choice, session.sources, into: &report)
        await session.close()
        await Self.checkState(stateOptions.state, profile: choice.profile, environment: environment, into: &report)
        if report.failed { throw CLIExit(code: 1) }
    }

    /// Runs the checks in order; a line whose check cannot run because an earlier one failed says so.
    static func check(_ choice: TargetChoice, _ client: AutopilotClient, url: URL, into report: inout DoctorReport) async {
        switch choice.kind {
        case .embedded:
            report.pass("target", "the embedded emulator at \(url.absoluteString) (no cloud is configured; --region or a profile names one)")
        case .remote(let endpoint, let region):
            report.pass("target", "\(endpoint)" + (region.map { " (region \($0))" } ?? "") + (choice.profile.map { ", profile \($0.name)" } ?? ""))
        }
        var credentialsWork = true
        do {
            let (credentials, expires, fetchedFrom) = try await client.currentCredentials()
            let until = expires.map { ", until \($0.formatted(.iso8601))" } ?? ""
            report.pass("credentials", "\(credentials.description) from \(fetchedFrom ?? choice.credentialSource)\(until)")
            if let project = credentials.projectID {
                let how = choice.credentials.projectID != nil || choice.fetcher is IAMToken ? "given" : "looked up in IAM at \(choice.projectLookup?.region.iam.description ?? "?")"
                report.pass("project", "\(project) (\(how))")
            } else {
                report.warn("project", "none: calls that need one (chart quotas) fail", next: "set a region, project_id in the profile, or --project-id")
            }
        } catch {
            credentialsWork = false
            let line = error.message.contains("IAM project lookup") ? "project" : "credentials"
            let next = error.kind == .transport
                ? "check the endpoint, the proxy (HTTPS_PROXY, NO_PROXY, --proxy) and --ca-file"
                : "see the README's 'Targets and credentials' for the order sources are read in"
            report.fail(line, error.description, next: next)
        }
        if choice.isEmbedded {
            report.pass("proxy", "direct (the embedded emulator is in this process)")
        } else if let proxy = client.proxy {
            report.pass("proxy", "through \(proxy)")
        } else {
            let bypassed = choice.network.proxies.https != nil || choice.network.proxies.http != nil
            report.pass("proxy", bypassed ? "direct (NO_PROXY names the endpoint)" : "direct (no HTTPS_PROXY, HTTP_PROXY or --proxy)")
        }
        if choice.network.insecureSkipTLSVerification {
            report.warn("TLS", "certificate verification is off", next: "drop --insecure-skip-tls-verify; pass the CA with --ca-file instead")
        } else if url.scheme == "http" {
            report.pass("TLS", "none: the endpoint is plain http")
        } else {
            report.pass("TLS", choice.network.caFile.map { "trusting the CA file \($0)" } ?? "trusting the system's certificate authorities")
        }
        do {
            if let server = try await client.serverDate() {
                let offset = server.timeIntervalSince(Date())
                if abs(offset) < 5 * 60 {
                    report.pass("clock", "within \(max(1, Int(abs(offset).rounded()))) s of the server's")
                } else {
                    report.fail("clock", GatewayHint.clockSentence(offset), next: "signatures more than 15 minutes off are refused")
                }
            } else {
                report.warn("clock", "the server's answer has no Date header to compare with", next: "none needed")
            }
        } catch {
            report.fail("connection", error.description, next: "check the endpoint, the proxy (HTTPS_PROXY, NO_PROXY, --proxy) and --ca-file")
            return
        }
        guard credentialsWork else {
            report.skip("read", "skipped: no credentials")
            return
        }
        do {
            let charts = try await client.charts()
            report.pass("read", "a signed call was accepted: \(charts.count) chart\(charts.count == 1 ? "" : "s") listed")
        } catch {
            report.fail("read", error.description, next: error.hint == nil ? "see the error above" : "act on the sentence after the request id")
        }
    }
}

extension DoctorCommand {
    /// The sources analyses measure with: each answers a query that needs no data (`vector(1)`).
    /// A Prometheus server that was named must answer; AOM, there by default, warns when it does not.
    static func checkSources(_ choice: TargetChoice, _ sources: AnalysisSources, into report: inout DoctorReport) async {
        let probe = "vector(1)"
        if let prometheus = sources.prometheus, let url = choice.metrics?.url {
            do {
                _ = try await prometheus.query(probe)
                report.pass("prometheus", "\(url.absoluteString) answered a query")
            } catch {
                report.fail("prometheus", AutopilotError.sentence(of: error), next: "check --prometheus (or the profile's prometheus), its user and password or token, and the proxy")
            }
        } else {
            report.skip("prometheus", "none named: analyses that ask Prometheus need --prometheus URL or the profile's prometheus")
        }
        guard let aom = sources.aom else {
            report.skip("aom", "no AOM endpoint: name a region, or --aom-endpoint")
            return
        }
        if choice.isEmbedded && choice.metrics == nil {
            report.skip("aom", "the embedded emulator's AOM answers from the Prometheus server --prometheus names; none is named")
            return
        }
        do {
            _ = try await aom.query(probe)
            report.pass("aom", "\((aom as? AOMSource)?.endpoint.description ?? "AOM") answered a signed query")
        } catch {
            report.warn("aom", AutopilotError.sentence(of: error), next: "analyses that ask AOM will fail; check the region or --aom-endpoint and the credentials' AOM permission (aom:metric:list)")
        }
    }
}

extension DoctorCommand {
    /// The state: its folder can be made, or its database answers, with a schema this rollout
    /// keeps (brought up to date, as every command that opens it does).
    static func checkState(_ option: String?, profile: Profile?, environment: [String: String], into report: inout DoctorReport) async {
        let next = "check --state, ROLLOUT_STATE or the profile's state, and ROLLOUT_STATE_PASSWORD (rollout help state)"
        do {
            let choice = try StateChoice.resolve(option, profile: profile, environment: environment)
            let store = try await choice.open(Paths(environment))
            await store.close()
            switch choice {
            case .files:
                let folder = Paths(environment).journalFile.deletingLastPathComponent()
                if let cause = FileStore.makeFolder(folder) { return report.fail("state", "\(folder.path) cannot be made: \(cause)", next: next) }
                report.pass("state", "local files in \(store.place) (this machine only; a team shares a database: rollout help state)")
            case .postgres:
                report.pass("state", "\(store.place), schema version \(PostgresSchema.version)")
            }
        } catch {
            report.fail("state", String(describing: error), next: next)
        }
    }
}

/// The lines of `rollout doctor`, as they are printed: a mark, a name and what was found.
struct DoctorReport {
    let style: Style
    private(set) var failed = false

    mutating func pass(_ name: String, _ detail: String) { line(style.green("✔"), name, detail) }

    mutating func warn(_ name: String, _ detail: String, next: String) { line(style.yellow("!"), name, "\(detail); \(next)") }

    mutating func skip(_ name: String, _ detail: String) { line(style.dim("–"), name, detail) }

    mutating func fail(_ name: String, _ detail: String, next: String) {
        failed = true
        line(style.red("✘"), name, detail)
        Console.out("    → \(next.terminalSafe)")
    }

    /// A finding; what it quotes of the services' answers and the settings is shown with its control
    /// characters made visible.
    private func line(_ mark: String, _ name: String, _ detail: String) {
        Console.out("\(mark) \(name.padding(toLength: 12, withPad: " ", startingAt: 0))\(detail.terminalSafe)")
    }
}
