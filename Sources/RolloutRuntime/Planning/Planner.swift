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
        /// A call, and whether it is in an else branch (which runs only if something fails).
        case call(ReleaseCall, depth: Int, hypothetical: Bool)
        case note(String, depth: Int)
        case branch(String, depth: Int)
        case diff(ChangePreview, depth: Int)
        /// A call of a rollout member whose steps are not shown (all but the first).
        case unshownCall(ReleaseCall, hypothetical: Bool)
    }

    /// A plan: its text, and whether the script would change anything.
    public struct Plan: Sendable {
        /// The steps, their calls, diffs and else branches, as lines.
        public var text: String
        /// True when the plan holds a change that is not a dry run.
        public var wouldChange: Bool
    }

    /// The plan of a script. `wireRequest` gives a call's method, path and body as the client
    /// would send them; with `live`, reads go to the target (`plan --live`), so each change's diff
    /// is against the release as it is now.
    public static func plan(
        _ script: Script, name: String, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 }, fleets: [String: [String]] = [:],
        live: (any ReleaseAPI)? = nil, wireRequest: @Sendable (ReleaseCall) async -> WireRequest
    ) async -> Plan {
        let entries = await record(
            script, context: context, environment: environment, resolveCluster: resolveCluster, fleets: fleets, live: live)
        var lines = ["plan for \(name) (\(live == nil ? "nothing is sent" : "reads only; no change is sent"))"]
        var wouldChange = false
        for entry in entries {
            switch entry {
            case .step(let info, let depth):
                lines.append("\(indent(depth))\(info.number). \(info.location.fileAndLine)  \(info.text)")
            case .call(let call, let depth, let hypothetical):
                wouldChange = wouldChange || Self.changes(call, hypothetical)
                let wire = await wireRequest(call)
                lines.append("\(indent(depth))     \(wire.method.padding(to: 7))\(wire.path)")
                if let body = wire.body { lines.append("\(indent(depth))            \(body.redactingSecrets().jsonText)") }
            case .note(let text, let depth):
                lines.append("\(indent(depth))     (\(text))")
            case .branch(let text, let depth):
                lines.append("\(indent(depth))   \(text)")
            case .diff(let preview, let depth):
                lines += preview.lines().map { "\(indent(depth))     \($0)" }
            case .unshownCall(let call, let hypothetical):
                wouldChange = wouldChange || Self.changes(call, hypothetical)
            }
        }
        // A live plan quotes the server's answers: shown with their control characters made visible.
        return Plan(text: lines.joined(separator: "\n").terminalSafeLines + "\n", wouldChange: wouldChange)
    }

    /// True for a call that would change something: a change, not a dry run, not in an else branch.
    private static func changes(_ call: ReleaseCall, _ hypothetical: Bool) -> Bool {
        call.isChange && !call.isDryRun && !hypothetical
    }

    /// The calls a script would make, in order, each with the step that makes it (of a rollout,
    /// its first member's).
    public static func calls(
        _ script: Script, context: RunContext = RunContext(), environment: [String: String] = [:],
        resolveCluster: @escaping @Sendable (String) -> String = { $0 }
    ) async -> [(step: StepInfo, call: ReleaseCall)] {
        var current: StepInfo?
        var calls: [(StepInfo, ReleaseCall)] = []
        for entry in await record(script, context: context, environment: environment, resolveCluster: resolveCluster, fleets: [:], live: nil) {
            switch entry {
            case .step(let info, _): current = info
            case .call(let call, _, _): if let current { calls.append((current, call)) }
            default: break
            }
        }
        return calls
    }

    /// Runs the script in plan mode and keeps what it did, in order.
    static func record(
        _ script: Script, context: RunContext, environment: [String: String], resolveCluster: @escaping @Sendable (String) -> String,
        fleets: [String: [String]], live: (any ReleaseAPI)?
    ) async -> [Entry] {
        let log = Mutex<(entries: [Entry], depth: Int, branches: Int, unshown: Bool)>(([], 0, 0, false))
        let api = RecordingAPI(live: live) { call in
            log.withLock { log in
                let hypothetical = log.branches > 0
                log.entries.append(log.unshown ? .unshownCall(call, hypothetical: hypothetical) : .call(call, depth: log.depth, hypothetical: hypothetical))
            }
        }
        let interpreter = Interpreter(
            api: api, context: context, environment: environment, resolveCluster: resolveCluster, journal: { _ in }, fleets: fleets,
            mode: .plan, readsLive: live != nil, control: RunControl()
        ) { event in
            log.withLock { log in
                if log.unshown {
                    // A member not shown: only its else branches matter, to tell its changes from theirs.
                    switch event {
                    case .alternative: log.branches += 1
                    case .alternativeEnded: log.branches -= 1
                    case .fleet(_, .planForEnded): log.unshown = false
                    default: break
                    }
                    return
                }
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
                    log.branches += 1
                case .alternativeEnded:
                    log.depth -= 1
                    log.branches -= 1
                case .progress(_, let text):
                    log.entries.append(.note(text, depth: log.depth))
                case .preview(_, let preview) where live != nil:
                    // Only against the live target: a placeholder's values would make a diff that means nothing.
                    log.entries.append(.diff(preview, depth: log.depth))
                case .fleet(_, .planFor(_, shown: false)):
                    log.unshown = true
                case .fleet(_, .planFor(let member, shown: true)):
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
