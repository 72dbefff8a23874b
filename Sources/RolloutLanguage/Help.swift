/// The syntax and an example of every statement, for `help`, notes and the README.
public enum Help {
    /// One entry: keyword, syntax, what it does, example.
    public struct Entry: Sendable {
        public let keyword: String
        public let syntax: String
        public let summary: String
        public let example: String
    }

    /// Every statement, in the order `help` lists them.
    public static let entries: [Entry] = [
        Entry(keyword: "use", syntax: "use cluster|namespace|release <name>", summary: "set the cluster (id or alias), namespace or release that later statements use", example: "use cluster demo"),
        Entry(keyword: "set", syntax: "set tag|pull-policy|chart <v> | set value <path> = <v> | set timeout|interval <d> | set dry-run|reset-values|recreate|no-hooks|include-hooks|replace on|off", summary: "settings for the next change (tag, pull-policy, value, chart and the flags are used once); timeout and interval stay", example: "set value basic.storage_size = 20G"),
        Entry(keyword: "let", syntax: "let NAME = <value>", summary: "set a variable; use it as ${NAME} or ${NAME:-default}", example: "let TAG = ${TAG:-v2}"),
        Entry(keyword: "upgrade", syntax: "upgrade [<release>] [in <namespace>] [on <cluster>]", summary: "upgrade with what is set (waits while the release is busy with an earlier change)", example: "upgrade testwww in monitoring"),
        Entry(keyword: "rollback", syntax: "rollback [<release>] [to] [<version>]", summary: "roll back to a version; with none, to the last deployed version before the current one", example: "rollback testwww to 1"),
        Entry(keyword: "install", syntax: "install <release> from chart <id>", summary: "install a chart as a new release, with what is set", example: "install cache from chart 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"),
        Entry(keyword: "uninstall", syntax: "uninstall [<release>]", summary: "delete a release", example: "uninstall cache in default"),
        Entry(keyword: "show", syntax: "show [<release>]", summary: "show a release with its values", example: "show testwww"),
        Entry(keyword: "status", syntax: "status [<release>]", summary: "one line: version, status, chart, tag", example: "status testwww"),
        Entry(keyword: "list", syntax: "list [in <namespace>] [on <cluster>]", summary: "the releases of the cluster (of a namespace with in)", example: "list in monitoring"),
        Entry(keyword: "history", syntax: "history [<release>]", summary: "every version of a release", example: "history testwww"),
        Entry(keyword: "charts", syntax: "charts", summary: "the project's charts", example: "charts"),
        Entry(keyword: "chart", syntax: "chart <id>", summary: "one chart", example: "chart af4b699e-018c-11ec-b8b0-0255ac100b05"),
        Entry(keyword: "values", syntax: "values <chart-id>", summary: "a chart's default values", example: "values af4b699e-018c-11ec-b8b0-0255ac100b05"),
        Entry(keyword: "wait", syntax: "wait <status> [for <release>] [timeout <d>]", summary: "poll until the status; FAILED, UNKNOWN or the timeout fail it", example: "wait deployed timeout 5m"),
        Entry(keyword: "expect", syntax: "expect status|version|tag|chart|chart-version|pull-policy|value <path> <op> <value> [for <release>]", summary: "fail unless the release matches (== != < <= > >=)", example: "expect tag == v2"),
        Entry(keyword: "else", syntax: "else <statement> | else { <statements> }", summary: "runs only if the statement before it failed; when it recovers, the script ends with exit code 3", example: "else rollback 1"),
        Entry(keyword: "sleep", syntax: "sleep <d>", summary: "wait a while", example: "sleep 30s"),
        Entry(keyword: "echo", syntax: "echo <words or \"text\">", summary: "print a line", example: "echo \"deploying ${TAG}\""),
        Entry(keyword: "pause", syntax: "pause [\"question\"]", summary: "wait for Enter before going on (goes on by itself when not on a terminal)", example: "pause \"check the dashboard, then press Enter\""),
        Entry(keyword: "abort", syntax: "abort [\"message\"]", summary: "stop here as a failed step", example: "abort \"canary unhealthy\""),
    ]

    /// The syntax line of a statement.
    public static func syntax(of keyword: String) -> String? {
        entries.first { $0.keyword == keyword }?.syntax
    }

    /// The entry of a statement.
    public static func entry(_ keyword: String) -> Entry? {
        entries.first { $0.keyword == keyword }
    }
}
