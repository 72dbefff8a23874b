import AutopilotClient
import AutopilotEmulator
import AutopilotTesting
import Foundation
import RolloutRuntime
import RolloutSyntax
import Synchronization
import Testing

/// Passes every call on to a real API and keeps a copy of it: the calls a run makes.
final class TapAPI: ReleaseAPI {
    let api: any ReleaseAPI
    private let seen = Mutex<[ReleaseCall]>([])

    init(_ api: any ReleaseAPI) { self.api = api }

    var calls: [ReleaseCall] { seen.withLock { $0 } }

    private func note(_ call: ReleaseCall) { seen.withLock { $0.append(call) } }

    func releases(in cluster: String, namespace: String?, chart: String?) async throws(AutopilotError) -> [Release] {
        note(.releases(cluster: cluster, namespace: namespace, chart: chart))
        return try await api.releases(in: cluster, namespace: namespace, chart: chart)
    }
    func release(_ name: String, in namespace: String, cluster: String, showResources: Bool) async throws(AutopilotError) -> Release {
        note(.release(name: name, namespace: namespace, cluster: cluster))
        return try await api.release(name, in: namespace, cluster: cluster, showResources: showResources)
    }
    func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release] {
        note(.history(name: name, namespace: namespace, cluster: cluster))
        return try await api.history(of: name, in: namespace, cluster: cluster)
    }
    func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues, parameters: ReleaseParameters?, description: String?
    ) async throws(AutopilotError) -> Answered<Release> {
        note(.install(name: name, namespace: namespace, cluster: cluster, chart: chart, chartVersion: chartVersion, values: values, parameters: parameters, description: description))
        return try await api.install(
            release: name, in: namespace, cluster: cluster, chart: chart, chartVersion: chartVersion, values: values,
            parameters: parameters, description: description)
    }
    func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Answered<Release> {
        note(.update(name: name, namespace: namespace, cluster: cluster, action: action, chart: chart, values: values, parameters: parameters))
        return try await api.update(release: name, in: namespace, cluster: cluster, action: action, chart: chart, values: values, parameters: parameters)
    }
    func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> Answered<Void> {
        note(.uninstall(name: name, namespace: namespace, cluster: cluster))
        return try await api.uninstall(release: name, in: namespace, cluster: cluster)
    }
    func charts() async throws(AutopilotError) -> [Chart] {
        note(.charts)
        return try await api.charts()
    }
    func chart(_ id: String) async throws(AutopilotError) -> Chart {
        note(.chart(id: id))
        return try await api.chart(id)
    }
    func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue {
        note(.chartValues(id: id))
        return try await api.chartValues(id)
    }
    func clusters() async throws(AutopilotError) -> [Cluster] {
        note(.clusters)
        return try await api.clusters()
    }
}

/// Calls as the wire has them, with what a plan cannot know made alike: chart ids, chart versions and
/// versions to roll back to; polls of the same release (a wait looks as often as it takes) count once.
func normalised(_ calls: [ReleaseCall]) async -> [String] {
    var lines: [String] = []
    for call in calls {
        let wire = await AutopilotClient.wireRequest(for: call)
        var body = wire.body
        for key in ["chart_id", "version"] where body?[key] != nil { body = body?.setting(path: key, to: "<id>") }
        if body?[path: "parameters.release_version"] != nil { body = body?.setting(path: "parameters.release_version", to: "<version>") }
        let path = wire.path.replacingOccurrences(of: #"/charts/[^/?]+"#, with: "/charts/<id>", options: .regularExpression)
        let line = "\(wire.method) \(path) \(body?.jsonText ?? "")"
        if lines.last != line { lines.append(line) }
    }
    return lines
}

@Suite struct PlannerTests {
    static let resolve: @Sendable (String) -> String = { DemoData.clusterAliases[$0] ?? $0 }

    @Test func planShowsCallsBranchesAndRedactsSecrets() async {
        let text = """
            use cluster demo
            use namespace monitoring
            let DB_PASSWORD = hunter2
            set tag v2
            set value basic.mysql_password = ${DB_PASSWORD}
            set value basic.note = ${DB_PASSWORD}
            upgrade testwww
            wait deployed timeout 5m
            else rollback 1
            expect tag == v2
            """
        let (script, _) = Parser.parse(SourceFile(name: "deploy.rollout", text: text))
        let plan = await Planner.plan(script, name: "deploy.rollout", resolveCluster: Self.resolve, wireRequest: AutopilotClient.wireRequest(for:)).text
        let release = "/autopilot/cam/v3/clusters/a870253f-5dc7-11ee-bf71-0255ac100b03/namespace/monitoring/releases/testwww"
        #expect(plan == """
            plan for deploy.rollout (nothing is sent)
            1. deploy.rollout:1  use cluster demo
            2. deploy.rollout:2  use namespace monitoring
            3. deploy.rollout:3  let DB_PASSWORD = ******
            4. deploy.rollout:4  set tag v2
            5. deploy.rollout:5  set value basic.mysql_password = ${DB_PASSWORD}
            6. deploy.rollout:6  set value basic.note = ${DB_PASSWORD}
            7. deploy.rollout:7  upgrade testwww
                 GET    \(release)
                 GET    /autopilot/v2/charts
                 PUT    \(release)
                        {"action":"upgrade","chart_id":"<the release's chart>","parameters":{},"values":{"basic":{"mysql_password":"******","note":"******"},"imageTag":"v2"}}
            8. deploy.rollout:8  wait deployed timeout 5m
                 GET    \(release)
                 (polls every 1s, backing off to 10s, until DEPLOYED; FAILED, UNKNOWN or 5m fail it)
               if it fails:
               9. deploy.rollout:9  rollback to 1
                    GET    \(release)
                    GET    \(release)/history
                    PUT    \(release)
                           {"action":"rollback","chart_id":"<the release's chart>","parameters":{"release_version":1},"values":{}}
            10. deploy.rollout:10  expect tag == v2
                 GET    \(release)
                 (then checks tag == v2)

            """)
        #expect(!plan.contains("hunter2"))
    }

    @Test func anEmptyVariableTakesItsDefaultInPlansAsInRuns() async {
        let (script, _) = Parser.parse(SourceFile(name: "t", text: "let TAG = \"\"\nuse cluster demo\nset tag ${TAG:-v2}\nupgrade testwww in monitoring"))
        let calls = await Planner.calls(script, resolveCluster: Self.resolve)
        guard case .update(_, _, _, _, _, let values, _)? = calls.last?.call else {
            Issue.record("no update planned")
            return
        }
        #expect(values.imageTag == "v2")
    }

    @Test func listPathsArePercentEncoded() async {
        let (script, _) = Parser.parse(SourceFile(name: "t", text: "list on \"a b\" in \"x/y\""))
        let calls = await Planner.calls(script)
        let lines = await normalised(calls.map(\.call))
        #expect(lines == ["GET /autopilot/cam/v3/clusters/a%20b/releases?namespace=x%2Fy "])
    }

    static let examples: [(name: String, text: String, faults: FaultSettings, alternatives: Bool)] = {
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts")
        func read(_ name: String) -> String {
            ((try? String(contentsOf: scripts.appendingPathComponent(name), encoding: .utf8)) ?? "")
                .replacingOccurrences(of: "set interval 500ms", with: "set interval 50ms")
                .replacingOccurrences(of: "set interval 1s", with: "set interval 50ms")
        }
        let bad = FaultSettings(failTags: ["*-bad"])
        return [
            ("canary.rollout", read("canary.rollout"), FaultSettings(), false),
            ("oneliner.rollout", read("oneliner.rollout"), FaultSettings(), false),
            ("rollback-drill.rollout", read("rollback-drill.rollout"), bad, true),
            ("reads", "use cluster demo; show testwww in monitoring; status; history; list; list in shop; charts; use namespace shop; list", FaultSettings(), false),
            ("upgrade with settings", "use cluster demo; use namespace shop; set interval 50ms; set tag 3.1; set value a.b = 1; set reset-values on; upgrade shop-web; wait deployed; expect tag == 3.1", FaultSettings(), false),
            ("rollbacks", "use cluster demo; set interval 50ms; rollback testwww in monitoring to 1; wait deployed; rollback shop-web in shop; wait deployed", FaultSettings(), false),
            ("install and uninstall", "use cluster demo; set interval 50ms; set tag 7.0.0; install cache-two from chart \(DemoData.redisChartID) in default; wait deployed; uninstall; wait deleted", FaultSettings(), false),
            ("charts", "values \(DemoData.redisChartID); chart \(DemoData.redisChartID)", FaultSettings(), false),
            ("aliases", "use cluster staging; list; list on demo; status shop-web in shop on demo", FaultSettings(), false),
            ("an empty default", "let TAG = \"\"; use cluster demo; set interval 50ms; set tag ${TAG:-v2}; upgrade testwww in monitoring; wait deployed", FaultSettings(), false),
            ("an else taken", "use cluster demo; set interval 50ms; set tag x-bad; upgrade testwww in monitoring; wait deployed; else { rollback 1; wait deployed }", bad, true),
        ]
    }()

    @Test(arguments: examples.indices)
    func aPlanListsTheCallsTheRunMakes(_ index: Int) async throws {
        let example = Self.examples[index]
        let (script, diagnostics) = Parser.parse(SourceFile(name: example.name, text: example.text))
        #expect(diagnostics.isEmpty, "\(example.name): \(diagnostics.map(\.message))")
        let planned = await Planner.calls(script, resolveCluster: Self.resolve)
            .filter { example.alternatives || !$0.step.isElse }.map(\.call)
        let made = try await withEmulator(deployTime: 0.1, faults: example.faults) { client, _ in
            let tap = TapAPI(client)
            _ = await Interpreter(api: tap, resolveCluster: Self.resolve, events: { _ in }).run(script)
            return tap.calls
        }
        #expect(!made.isEmpty, "\(example.name)")
        let (plan, run) = (await normalised(planned), await normalised(made))
        #expect(plan == run, "\(example.name)")
    }
}
