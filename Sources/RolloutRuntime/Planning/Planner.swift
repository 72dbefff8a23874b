public import AutopilotModels
public import RolloutSyntax
import Synchronization

/// `rollout plan`: the script run against a `RecordingAPI`, so that every call it lists is one the
/// run would make, made by the same code. Each step is listed with its calls, and each else branch
/// after the step it belongs to.
public enum Planner {
    /// One line of a plan, in the order the run produced it.
    enum Entry {
        case step(StepInfo, depth: Int)
        case call(ReleaseCall, depth: Int)
        case note(String, depth: Int)
        case branch(String, depth: Int)
    }

    /// The plan of a script as text. `wireRequest` gives a call's method, path and body as the
    /// client would send them.
    public static func plan(
        _ script: Script, name: String, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 }, fleets: [String: [String]] = [:],
        wireRequest: @Sendable (ReleaseCall) async -> WireRequest
    ) async -> String {
        let entries = await record(script, context: context, environment: environment, resolveCluster: resolveCluster, fleets: fleets)
        var lines = ["plan for \(name) (nothing is sent)"]
        for entry in entries {
            switch entry {
            case .step(let info, let depth):
                lines.append("\(indent(depth))\(info.number). \(info.location.fileAndLine)  \(info.text)")
            case .call(let call, let depth):
                let wire = await wireRequest(call)
                lines.append("\(indent(depth))     \(wire.method.padding(to: 7))\(wire.path)")
                if let body = wire.body { lines.append("\(indent(depth))            \(body.redactingSecrets().jsonText)") }
            case .note(let text, let depth):
                lines.append("\(indent(depth))     (\(text))")
            case .branch(let text, let depth):
                lines.append("\(indent(depth))   \(text)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The calls a script would make, in order, each with the step that makes it.
    public static func calls(
        _ script: Script, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 }
    ) async -> [(step: StepInfo, call: ReleaseCall)] {
        var current: StepInfo?
        var calls: [(StepInfo, ReleaseCall)] = []
        for entry in await record(script, context: context, environment: environment, resolveCluster: resolveCluster, fleets: [:]) {
            switch entry {
            case .step(let info, _): current = info
            case .call(let call, _): if let current { calls.append((current, call)) }
            default: break
            }
        }
        return calls
    }

    /// Runs the script in plan mode and keeps what it did, in order.
    static func record(
        _ script: Script, context: RunContext, environment: [String: String], resolveCluster: @escaping @Sendable (String) -> String,
        fleets: [String: [String]]
    ) async -> [Entry] {
        let log = Mutex<(entries: [Entry], depth: Int)>(([], 0))
        let api = RecordingAPI { call in log.withLock { $0.entries.append(.call(call, depth: $0.depth)) } }
        let interpreter = Interpreter(
            api: api, context: context, environment: environment, resolveCluster: resolveCluster, fleets: fleets, mode: .plan
        ) { event in
            log.withLock { log in
                switch event {
                case .started(let info):
                    log.entries.append(.step(info, depth: log.depth))
                case .finished(_, .success(.planned(let text))):
                    log.entries.append(.note(text, depth: log.depth))
                case .finished(_, .failure(let failure)):
                    log.entries.append(.note("would fail here: \(failure.message)", depth: log.depth))
                case .alternative(_, let index):
                    log.entries.append(.branch(index == 0 ? "if it fails:" : "if that fails too:", depth: log.depth))
                    log.depth += 1
                case .alternativeEnded:
                    log.depth -= 1
                case .progress(_, let text):
                    log.entries.append(.note(text, depth: log.depth))
                case .fleet(_, .planFor(let member)):
                    log.entries.append(.branch("for one member, \(member.label):", depth: log.depth))
                    log.depth += 1
                case .fleet(_, .planForEnded):
                    log.depth -= 1
                default:
                    break
                }
            }
        }
        _ = await interpreter.run(script)
        return log.withLock { $0.entries }
    }

    private static func indent(_ depth: Int) -> String { String(repeating: "   ", count: depth) }
}

extension String {
    /// The string padded with spaces to `width` characters (never cut).
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
