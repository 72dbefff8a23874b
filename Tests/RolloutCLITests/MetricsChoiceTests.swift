import ArgumentParser
import AutopilotClient
import Foundation
@testable import RolloutCLI
import Testing

/// Where analyses' numbers come from, as the command line, the profile and the environment name it.
@Suite struct MetricsChoiceTests {
    static func choice(_ arguments: [String], _ environment: [String: String] = [:], profile: Profile? = nil) throws -> MetricsChoice? {
        try MetricsChoice.resolve(try TargetOptions.parse(arguments), profile: profile, environment: environment)
    }

    @Test func aServerWithBasicOrBearerAuthenticationOrNone() throws {
        #expect(try Self.choice([]) == nil)
        let plain = try #require(try Self.choice(["--prometheus", "http://prom:9090"]))
        #expect(plain.url.absoluteString == "http://prom:9090" && plain.authorization == nil)
        let basic = try #require(try Self.choice(["--prometheus", "https://prom", "--prometheus-user", "ro"], ["ROLLOUT_PROMETHEUS_PASSWORD": "pw-1"]))
        guard case .basic(let user, let password)? = basic.authorization else { throw CLIFailure("basic, not \(String(describing: basic.authorization))") }
        #expect(user == "ro" && password.value == "pw-1")
        let bearer = try #require(try Self.choice(["--prometheus", "https://prom"], ["ROLLOUT_PROMETHEUS_TOKEN": "tok-1"]))
        guard case .bearer(let token)? = bearer.authorization else { throw CLIFailure("a bearer token") }
        #expect(token.value == "tok-1")
        var profile = Profile(name: "p")
        profile.prometheus = "https://from-profile"
        profile.prometheusToken = "tok-2"
        guard case .bearer(let fromProfile)? = try Self.choice([], profile: profile)?.authorization else { throw CLIFailure("the profile's token") }
        #expect(fromProfile.value == "tok-2")
    }

    @Test(arguments: [
        (["--prometheus", "prom:9090"], [String: String](), "--prometheus: 'prom:9090' is not an http or https URL"),
        (["--prometheus", "http://u:p@prom"], [:], "put no user or password in the URL"),
        (["--prometheus", "http://prom", "--prometheus-user", "ro"], [:], "the Prometheus user needs a password"),
        (["--prometheus", "http://prom"], ["ROLLOUT_PROMETHEUS_PASSWORD": "pw"], "a Prometheus password needs a user"),
        (["--prometheus", "http://prom", "--prometheus-user", "ro"], ["ROLLOUT_PROMETHEUS_PASSWORD": "pw", "ROLLOUT_PROMETHEUS_TOKEN": "t"],
         "name either a Prometheus user and password or a bearer token, not both"),
    ])
    func aSettingThatCannotBeUsedSaysWhy(arguments: [String], environment: [String: String], says: String) {
        #expect(throws: CLIError.self) { try Self.choice(arguments, environment) }
        do { _ = try Self.choice(arguments, environment) } catch {
            #expect("\(error)".contains(says), "\(error)")
            #expect(!"\(error)".contains("pw"))
        }
    }
}
