/// The words statements start with, and `else`: each with its help, in the order `help` lists them,
/// and what the statement it starts needs and does. The reader, the checker, completion, help and
/// the prompt all read them here.
public enum Keyword: String, CaseIterable, Sendable {
    case use, set, `let`, upgrade, rollback, install, uninstall, show, status, list, history, diff, charts, chart, values
    case wait, expect, `else`, sleep, echo, pause, abort, group, rollout

    /// The keywords that start a statement (all but `else`, which follows one).
    public static let statements = allCases.filter { $0 != .else }

    /// True for statements that change releases: their changes are journaled and, at a cloud
    /// prompt, confirmed (a rollout once, then wave by wave).
    public var changesRelease: Bool {
        switch self {
        case .upgrade, .rollback, .install, .uninstall, .rollout: return true
        default: return false
        }
    }

    /// True for statements a run can stop in and go on from: those that change, wait or ask. A
    /// run's record is written before each, so that a resume starts there.
    public var marksProgress: Bool {
        switch self {
        case .upgrade, .rollback, .install, .uninstall, .rollout, .wait, .sleep, .pause: return true
        default: return false
        }
    }

    /// True for statements that only read and show (what `save --no-reads` leaves out).
    public var onlyReads: Bool {
        switch self {
        case .show, .status, .history, .diff, .list, .charts, .chart, .values: return true
        default: return false
        }
    }

    /// True for statements that take `in <namespace>` and `on <cluster>`, and so need a cluster.
    public var takesTarget: Bool {
        switch self {
        case .upgrade, .rollback, .install, .uninstall, .show, .status, .list, .history, .diff, .wait, .expect: return true
        default: return false
        }
    }

    /// True for statements that act on a release, named or the one last named.
    public var needsRelease: Bool {
        switch self {
        case .upgrade, .rollback, .uninstall, .show, .status, .history, .diff, .wait, .expect: return true
        default: return false
        }
    }

    /// How it is written.
    public var syntax: String {
        switch self {
        case .use: return "use cluster|namespace|release <name>"
        case .set:
            let words = SettingName.allCases.filter { $0 != .value && $0 != .timeout && $0 != .interval }.map(\.rawValue)
            let flags = ParameterFlag.allCases.map(\.rawValue).joined(separator: "|")
            return "set \(words.joined(separator: "|")) <v> | set value <path> = <v> | set timeout|interval <d> | set \(flags) on|off"
        case .let: return "let NAME = <value>"
        case .upgrade: return "upgrade [<release>] [in <namespace>] [on <cluster>] [\(ArgumentWord.ifChanged)]"
        case .rollback: return "rollback [<release>] [to] [<version>]"
        case .install: return "install <release> from chart <id or name>"
        case .uninstall: return "uninstall [<release>]"
        case .show: return "show [<release>]"
        case .status: return "status [<release>]"
        case .list: return "list [in <namespace>] [on <cluster>]"
        case .history: return "history [<release>]"
        case .diff: return "diff [<release>] [from <version> [to <version>]]"
        case .charts: return "charts"
        case .chart: return "chart <id or name>"
        case .values: return "values <chart id or name>"
        case .wait: return "wait <status> [for <release>] [timeout <d>]"
        case .expect:
            let fields = ExpectField.allCases.map { $0.takesPath ? "\($0.rawValue) <path>" : $0.rawValue }.joined(separator: "|")
            return "expect \(fields) <op> <value> [for <release>]"
        case .else: return "else <statement> | else { <statements> }"
        case .sleep: return "sleep <d>"
        case .echo: return "echo <words or \"text\">"
        case .pause: return "pause [\"question\"]"
        case .abort: return "abort [\"message\"]"
        case .group:
            return "group NAME = clusters <cluster>... | releases <cluster>/<namespace>/<release>... | fleet <name> | releases [of chart <name>] [matching <pattern>] [in <namespace>] on <cluster or group>..."
        case .rollout:
            return "rollout <group> " + RolloutClause.allCases.map { "[\($0.syntax)]" }.joined(separator: " ") + " { <statements> }"
        }
    }

    /// What it does, in a line.
    public var summary: String {
        switch self {
        case .use: return "set the cluster (id or alias), namespace or release that later statements use"
        case .set: return "settings for the next change (tag, pull-policy, value, chart and the flags are used once); timeout and interval stay"
        case .let: return "set a variable; use it as ${NAME} or ${NAME:-default}"
        case .upgrade:
            return "upgrade with what is set (waits while the release is busy with an earlier change); \(ArgumentWord.ifChanged) skips a deployed release whose values would not change"
        case .rollback: return "roll back to a version; with none, to the last deployed version before the current one"
        case .install: return "install a chart as a new release, with what is set"
        case .uninstall: return "delete a release"
        case .show: return "show a release with its values"
        case .status: return "one line: version, status, chart, tag"
        case .list: return "the releases of the cluster (of a namespace with in)"
        case .history: return "every version of a release"
        case .diff: return "the values the next change would change (what set has gathered, against the release now), or what changed between two versions"
        case .charts: return "the project's charts"
        case .chart: return "one chart"
        case .values: return "a chart's default values"
        case .wait: return "poll until the status; FAILED, UNKNOWN or the timeout fail it"
        case .expect: return "fail unless the release matches (\(Comparison.allCases.map(\.rawValue).joined(separator: " ")))"
        case .else: return "runs only if the statement before it failed; when it recovers, the script ends with exit code 3"
        case .sleep: return "wait a while"
        case .echo: return "print a line"
        case .pause: return "wait for Enter before going on (goes on by itself when not on a terminal)"
        case .abort: return "stop here as a failed step"
        case .group: return "name a group of clusters or releases: listed, from the profile's [fleets], or read from the API"
        case .rollout:
            let variables = MemberVariable.allCases.map { "${\($0.rawValue)}" }.joined(separator: " ")
            return "run the block once per member of a group, in waves, with halt rules; the member is in use, and \(variables) name it"
        }
    }

    /// An example.
    public var example: String {
        switch self {
        case .use: return "use cluster demo"
        case .set: return "set value basic.storage_size = 20G"
        case .let: return "let TAG = ${TAG:-v2}"
        case .upgrade: return "upgrade testwww in monitoring"
        case .rollback: return "rollback testwww to 1"
        case .install: return "install cache from chart 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
        case .uninstall: return "uninstall cache in default"
        case .show: return "show testwww"
        case .status: return "status testwww"
        case .list: return "list in monitoring"
        case .history: return "history testwww"
        case .diff: return "diff testwww from 1 to 3"
        case .charts: return "charts"
        case .chart: return "chart af4b699e-018c-11ec-b8b0-0255ac100b05"
        case .values: return "values af4b699e-018c-11ec-b8b0-0255ac100b05"
        case .wait: return "wait deployed timeout 5m"
        case .expect: return "expect tag == v2"
        case .else: return "else rollback 1"
        case .sleep: return "sleep 30s"
        case .echo: return "echo \"deploying ${TAG}\""
        case .pause: return "pause \"check the dashboard, then press Enter\""
        case .abort: return "abort \"canary unhealthy\""
        case .group: return "group web = releases of chart shop-web on demo staging"
        case .rollout: return "rollout web waves 1 10% rest parallel 8 halt after 2 then rollback failed { upgrade; wait deployed }"
        }
    }
}

extension Keyword {
    /// More for `help <statement>`: the parts of a statement that has many, each with its meaning.
    public var details: [(term: String, meaning: String)] {
        switch self {
        case .group:
            return [
                ("clusters <cluster>...", "clusters by id or alias; the block runs once per cluster, with the release in use before"),
                ("releases <c>/<ns>/<r>...", "releases written \(MemberPath.form)"),
                ("fleet <name>", "a list from the profile's [fleets] table"),
                ("releases of chart <name>", "read from the API: releases of that chart on the clusters after 'on'"),
                ("releases matching <pattern>", "read from the API: names matching the pattern (* any text, ? one character)"),
            ]
        case .rollout:
            return RolloutClause.allCases.map { ($0.syntax, $0.summary) }
                + MemberVariable.allCases.map { ("${\($0.rawValue)}", $0.summary) }
        default:
            return []
        }
    }
}

/// The words that introduce an argument inside a statement (`in monitoring`, `for testwww`); a value
/// spelled like one is quoted when printed.
public enum ArgumentWord: String, CaseIterable, Sendable {
    case `in`, on, `for`, timeout, to, from, `if`

    /// The word after `if`.
    public static let changed = "changed"
    /// `if changed`, the clause of an upgrade made only when its values change.
    public static let ifChanged = "\(ArgumentWord.if.rawValue) \(changed)"
}
