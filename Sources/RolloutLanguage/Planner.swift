import AutopilotClient
import Foundation

/// The API calls a script would make, in order, with its waits and `else` branches; nothing is sent.
public struct Planner {
    private var context: RunContext
    private let environment: [String: String]
    private let resolveCluster: @Sendable (String) -> String
    private var lastTarget: Target?
    private var lines: [String] = []
    private var number = 0

    /// Plans a script as text.
    public static func plan(
        _ script: Script, name: String, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 }
    ) -> String {
        var planner = Planner(context: context, environment: environment, resolveCluster: resolveCluster)
        planner.lines.append("plan for \(name) (nothing is sent)")
        planner.plan(script.statements, depth: 0)
        return planner.lines.joined(separator: "\n") + "\n"
    }

    private init(context: RunContext, environment: [String: String], resolveCluster: @escaping @Sendable (String) -> String) {
        self.context = context
        self.environment = environment
        self.resolveCluster = resolveCluster
    }

    private mutating func plan(_ statements: [Statement], depth: Int) {
        for statement in statements {
            number += 1
            let indent = String(repeating: "   ", count: depth)
            lines.append("\(indent)\(number). \(statement.location.fileAndLine)  \(ScriptPrinter.display(statement.kind))")
            for call in calls(statement.kind) { lines.append("\(indent)     \(call)") }
            var branch = statement.elseBranch
            var failed = "if it fails:"
            while let current = branch {
                lines.append("\(indent)   \(failed)")
                let saved = context
                plan(current.body, depth: depth + 1)
                context = saved
                failed = "if that fails too:"
                branch = current.next
            }
        }
    }

    private func text(_ word: Word?) -> String? {
        guard let word else { return nil }
        var out = ""
        for part in word.parts {
            switch part {
            case .literal(let literal): out += literal
            case .variable(let name, let fallback):
                out += context.variables[name] ?? environment[name] ?? fallback ?? "${\(name)}"
            }
        }
        return out
    }

    private mutating func releasePath(_ release: Word?, _ target: Target) -> (name: String, path: String) {
        var effective = target
        let name: String
        if let release {
            name = text(release) ?? ""
            context.release = name
            lastTarget = (target.namespace != nil || target.cluster != nil) ? target : nil
        } else {
            name = context.release ?? "<no release>"
            if effective.namespace == nil { effective.namespace = lastTarget?.namespace }
            if effective.cluster == nil { effective.cluster = lastTarget?.cluster }
        }
        let namespace = text(effective.namespace) ?? context.namespace
        let cluster = text(effective.cluster).map(resolveCluster) ?? context.cluster.map(resolveCluster) ?? "<no cluster>"
        return (name, "/autopilot/cam/v3/clusters/\(PercentEncoding.encode(cluster))/namespace/\(PercentEncoding.encode(namespace))/releases/\(PercentEncoding.encode(name))")
    }

    private func line(_ method: String, _ path: String, _ note: String = "") -> String {
        let padded = method.padding(toLength: 7, withPad: " ", startingAt: 0)
        return note.isEmpty ? "\(padded)\(path)" : "\(padded)\(path)   (\(note))"
    }

    private mutating func calls(_ kind: StatementKind) -> [String] {
        switch kind {
        case .use(.cluster, let word):
            context.cluster = text(word)
            lastTarget = nil
        case .use(.namespace, let word):
            context.namespace = text(word) ?? context.namespace
            context.namespaceChosen = true
            lastTarget = nil
        case .use(.release, let word):
            context.release = text(word)
            lastTarget = nil
        case .assign(let name, let value):
            context.variables[name] = text(value)
        case .set(let setting):
            apply(setting)
        case .upgrade(let release, let target):
            let (name, path) = releasePath(release, target)
            let change = takeChange()
            var calls = [line("GET", path, "version and chart now")]
            if change.chart == nil { calls.append(line("GET", "/autopilot/v2/charts", "the id of \(name)'s chart")) }
            return calls + [
                line("PUT", path),
                "       " + body(action: "upgrade", chart: change.chart ?? "<chart of \(name)>", parameters: change.parameters.json, values: change.releaseValues.json),
            ]
        case .rollback(let release, let version, let target):
            let (name, path) = releasePath(release, target)
            let change = takeChange()
            let goal = text(version).flatMap(Int.init)
            var parameters = change.parameters.json
            parameters = parameters.setting(path: "release_version", to: goal.map { .int($0) } ?? "<last deployed version before the current one>")
            var calls = [line("GET", path, "version now"), line("GET", path + "/history", "the version to roll back to")]
            if change.chart == nil { calls.append(line("GET", "/autopilot/v2/charts", "the id of that version's chart")) }
            return calls + [
                line("PUT", path),
                "       " + body(action: "rollback", chart: change.chart ?? "<chart of that version>", parameters: parameters, values: .object([:])),
            ]
        case .install(let release, let chart, let target):
            let (name, path) = releasePath(release, target)
            let change = takeChange()
            let chartID = text(chart) ?? ""
            let collection = path.components(separatedBy: "/namespace/")[0] + "/releases"
            var object: [String: JSONValue] = [
                "chart_id": .string(chartID), "name": .string(name), "namespace": .string(text(target.namespace) ?? context.namespace),
                "values": change.releaseValues.json.redactingSecrets(), "version": "<version of the chart>",
            ]
            if !change.flags.isEmpty { object["parameters"] = change.parameters.json }
            return [line("GET", "/autopilot/v2/charts/\(chartID)", "its version"), line("POST", collection), "       " + JSONValue.object(object).jsonText]
        case .uninstall(let release, let target):
            let (_, path) = releasePath(release, target)
            _ = takeChange()
            return [line("GET", path, "version now"), line("DELETE", path)]
        case .show(let release, let target), .status(let release, let target):
            return [line("GET", releasePath(release, target).path)]
        case .history(let release, let target):
            return [line("GET", releasePath(release, target).path + "/history")]
        case .list(let target):
            let cluster = text(target.cluster).map(resolveCluster) ?? context.cluster.map(resolveCluster) ?? "<no cluster>"
            let namespace = text(target.namespace) ?? (context.namespaceChosen ? context.namespace : nil)
            return [line("GET", "/autopilot/cam/v3/clusters/\(cluster)/releases" + (namespace.map { "?namespace=\($0)" } ?? ""))]
        case .charts:
            return [line("GET", "/autopilot/v2/charts")]
        case .chart(let word):
            return [line("GET", "/autopilot/v2/charts/\(text(word) ?? "")")]
        case .values(let word):
            return [line("GET", "/autopilot/v2/charts/\(text(word) ?? "")/values")]
        case .wait(let status, let release, let timeout, let target):
            let path = releasePath(release, target).path
            let goal = text(status).flatMap(WaitTarget.init).map(Interpreter.describe) ?? text(status) ?? ""
            let limit = text(timeout) ?? DurationText.format(context.timeout)
            let backoff = DurationText.format(max(context.interval, .seconds(10)))
            return [line("GET", path, "every \(DurationText.format(context.interval)), backing off to \(backoff), until \(goal); FAILED, UNKNOWN or \(limit) fail it")]
        case .expect(let field, let op, let value, let release, let target):
            let path = releasePath(release, target).path
            var label = field.name
            if case .value(let word) = field { label += " \(text(word) ?? "")" }
            return [line("GET", path, "then check \(label) \(op) \(text(value) ?? "")")]
        case .sleep(let word):
            return ["(no call: sleep \(text(word) ?? ""))"]
        case .pause:
            return ["(no call: wait for Enter)"]
        case .abort:
            return ["(no call: stop here, failed)"]
        case .echo:
            return []
        }
        return []
    }

    private mutating func apply(_ setting: Setting) {
        switch setting {
        case .tag(let word): context.change.tag = text(word)
        case .pullPolicy(let word): context.change.pullPolicy = text(word)
        case .value(let path, let value):
            let shown: JSONValue = Expander.holdsSecret(value) ? "******" : JSONValue.inferred(from: text(value) ?? "")
            context.change.values.append((text(path) ?? "", shown))
        case .chart(let word): context.change.chart = text(word)
        case .timeout(let word): context.timeout = text(word).flatMap(DurationText.parse) ?? context.timeout
        case .interval(let word): context.interval = text(word).flatMap(DurationText.parse) ?? context.interval
        case .flag(let flag, let word):
            let value = text(word)
            context.change.flags[flag] = value == "on" || value == "true"
        }
    }

    private mutating func takeChange() -> PendingChange {
        defer { context.change = PendingChange() }
        return context.change
    }

    private func body(action: String, chart: String, parameters: JSONValue, values: JSONValue) -> String {
        JSONValue.object([
            "action": .string(action), "chart_id": .string(chart), "parameters": parameters, "values": values.redactingSecrets(),
        ]).jsonText
    }
}
