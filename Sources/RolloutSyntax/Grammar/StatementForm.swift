/// What a statement does, as far as the journal, step mode and `save` care.
public enum Effect: Sendable, Equatable {
    /// Changes releases: journaled, and confirmed at a cloud prompt.
    case changes
    /// Waits for the service or the clock.
    case waits
    /// Asks someone.
    case asks
    /// Only reads and shows.
    case reads
    /// Sets what later statements use.
    case defines
    /// Prints.
    case says
    /// Checks and fails.
    case checks
    /// Stops the script.
    case stops
}

/// One statement's declaration: what it does, the slots it takes in order, and its help. The reader,
/// the printer, the checker, completion, hints and help all work from it.
public struct StatementForm: Sendable {
    /// How its arguments are read.
    public enum Reading: Sendable {
        /// By its slots.
        case slots
        /// By a reader of its own (`set`, `group`, `rollout`…), written as help shows.
        case own(syntax: String)
    }

    /// What it does.
    public let effect: Effect
    /// Its slots, in the order they are printed.
    public let slots: [Slot]
    /// How its arguments are read.
    public let reading: Reading
    /// What it does, in a line.
    public let summary: String
    /// An example.
    public let example: String
    /// More for `help <statement>`: parts with their meaning.
    public let details: [(term: String, meaning: String)]

    init(
        _ effect: Effect, _ slots: [Slot] = [], reading: Reading = .slots, summary: String, example: String,
        details: [(term: String, meaning: String)] = []
    ) {
        self.effect = effect
        self.slots = slots
        self.reading = reading
        self.summary = summary
        self.example = example
        self.details = details
    }

    /// True when its slots read and print it.
    public var readsBySlots: Bool {
        if case .slots = reading { return true }
        return false
    }

    /// Its slot of a name, if it has one.
    public func slot(_ name: SlotName) -> Slot? { slots.first { $0.name == name } }
}

extension Keyword {
    /// The statement's declaration.
    public var form: StatementForm { Self.forms[self]! }

    /// Every declaration, made once: the parser and the checker ask for one at every statement.
    private static let forms = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declaration) })

    private var declaration: StatementForm {
        switch self {
        case .use:
            return StatementForm(
                .defines, reading: .own(syntax: "use cluster|namespace|release <name>"),
                summary: "set the cluster (id, name or alias), namespace or release that later statements use", example: "use cluster demo")
        case .set:
            let words = SettingName.allCases.filter { $0 != .value && $0 != .timeout && $0 != .interval }.map(\.rawValue)
            let flags = ParameterFlag.allCases.map(\.rawValue).joined(separator: "|")
            let syntax = "set \(words.joined(separator: "|")) <v> | set value <path> = <v> | set timeout|interval <d> | set \(flags) on|off"
            return StatementForm(
                .defines, reading: .own(syntax: syntax),
                summary: "settings for the next change (tag, pull-policy, value, chart and the flags are used once); timeout and interval stay",
                example: "set value basic.storage_size = 20G")
        case .let:
            return StatementForm(
                .defines, reading: .own(syntax: "let NAME = <value>"), summary: "set a variable; use it as ${NAME} or ${NAME:-default}",
                example: "let TAG = ${TAG:-v2}")
        case .upgrade:
            return StatementForm(
                .changes, [.positional(.release), .flag(.ifChanged, ArgumentWord.if.rawValue, ArgumentWord.changed)] + Slot.target,
                summary: "upgrade with what is set (waits while the release is busy with an earlier change); \(ArgumentWord.ifChanged) skips a deployed release whose values would not change",
                example: "upgrade testwww in monitoring")
        case .rollback:
            return StatementForm(
                .changes, [.positional(.release), .positional(.version, after: .to)] + Slot.target,
                summary: "roll back to a version; with none, to the last deployed version before the current one", example: "rollback testwww to 1")
        case .install:
            return StatementForm(
                .changes, [.positional(.release, .required), .named(.chart, .from, then: Keyword.chart.rawValue, presence: .required)] + Slot.target,
                summary: "install a chart as a new release, with what is set", example: "install cache from chart shop-web")
        case .uninstall:
            return StatementForm(.changes, [.positional(.release)] + Slot.target, summary: "delete a release", example: "uninstall cache in default")
        case .show:
            return StatementForm(.reads, [.positional(.release)] + Slot.target, summary: "show a release with its values", example: "show testwww")
        case .status:
            return StatementForm(.reads, [.positional(.release)] + Slot.target, summary: "one line: version, status, chart, tag", example: "status testwww")
        case .list:
            return StatementForm(.reads, Slot.target, summary: "the releases of the cluster (of a namespace with in)", example: "list in monitoring")
        case .history:
            return StatementForm(.reads, [.positional(.release)] + Slot.target, summary: "every version of a release", example: "history testwww")
        case .diff:
            return StatementForm(
                .reads, [.positional(.release), .named(.from, .from), .named(.to, .to, needs: .from)] + Slot.target,
                summary: "the values the next change would change (what set has gathered, against the release now), or what changed between two versions",
                example: "diff testwww from 1 to 3")
        case .charts:
            return StatementForm(.reads, summary: "the project's charts", example: "charts")
        case .chart:
            return StatementForm(.reads, [.positional(.chart, .required)], summary: "one chart", example: "chart shop-web")
        case .values:
            return StatementForm(.reads, [.positional(.chart, .required)], summary: "a chart's default values", example: "values shop-web")
        case .wait:
            return StatementForm(
                .waits, [.positional(.status, .required), .named(.release, .for), .named(.timeout, .timeout)] + Slot.target,
                summary: "poll until the status; FAILED, UNKNOWN or the timeout fail it", example: "wait deployed timeout 5m")
        case .expect:
            let path = Slot.positional(.path, .requiredWhen(.field) { ExpectField(rawValue: $0)?.takesPath == true })
            return StatementForm(
                .checks,
                [.positional(.field, .required), path, .positional(.comparison, .required), .positional(.value, .required), .named(.release, .for)]
                    + Slot.target,
                summary: "fail unless the release matches (\(Comparison.allCases.map(\.rawValue).joined(separator: " ")))", example: "expect tag == v2")
        case .verify:
            return StatementForm(
                .waits, [.positional(.analysis, .required), .named(.release, .for), .named(.during, .during)] + Slot.target,
                summary: "measure an analysis for the release: once, or at its interval for a while; it fails as the analysis fails (so else can roll back)",
                example: "verify errors during 2m")
        case .analysis:
            let sources = AnalysisSource.allCases.map(\.syntax).joined(separator: " | ")
            let options = AnalysisOption.allCases.map { "[\($0.syntax)]" }.joined(separator: " ")
            let variables = [MemberVariable.cluster, .namespace, .release].map { "${\($0.rawValue)}" }.joined(separator: " ")
            return StatementForm(
                .defines, reading: .own(syntax: "analysis NAME = \(sources) \(options)"),
                summary: "name a measurement and when it passes, for verify and a rollout's analyze: a query to Prometheus or AOM, or an HTTP probe",
                example: "analysis errors = prometheus \"sum(rate(http_requests_total{release='${RELEASE}',code=~'5..'}[1m])) / sum(rate(http_requests_total{release='${RELEASE}'}[1m]))\" < 0.01 every 10s failures 2",
                details: AnalysisSource.allCases.map { ($0.rawValue, StatementForm.meaning(of: $0)) }
                    + [("between <low> and <high>", "a range, both ends included"), ("\(variables)", "the release it measures for, when it runs")]
                    + AnalysisOption.allCases.map { ($0.syntax, $0.summary) })
        case .else:
            return StatementForm(
                .defines, reading: .own(syntax: "else <statement> | else { <statements> }"),
                summary: "runs only if the statement before it failed; when it recovers, the script ends with exit code 3", example: "else rollback 1")
        case .sleep:
            return StatementForm(.waits, [.positional(.duration, .required)], summary: "wait a while", example: "sleep 30s")
        case .echo:
            return StatementForm(.says, [.positional(.words, .rest)], summary: "print a line", example: "echo \"deploying ${TAG}\"")
        case .pause:
            return StatementForm(
                .asks, [.positional(.message)], summary: "wait for Enter before going on (goes on by itself when not on a terminal)",
                example: "pause \"check the dashboard, then press Enter\"")
        case .abort:
            return StatementForm(.stops, [.positional(.message)], summary: "stop here as a failed step", example: "abort \"canary unhealthy\"")
        case .group:
            let syntax = "group NAME = clusters <cluster>... | clusters matching <pattern> | releases <cluster>/<namespace>/<release>... | fleet <name> | releases [of chart <name>] [matching <pattern>] [in <namespace>] on <cluster or group>..."
            return StatementForm(
                .defines, reading: .own(syntax: syntax),
                summary: "name a group of clusters or releases: listed, from the profile's [fleets], or read from the API",
                example: "group web = releases of chart shop-web on demo staging",
                details: [
                    ("clusters <cluster>...", "clusters by id, name or alias; the block runs once per cluster, with the release in use before"),
                    ("clusters matching <pattern>", "the project's clusters whose name matches the pattern (* any text, ? one character)"),
                    ("releases <c>/<ns>/<r>...", "releases written \(MemberPath.form)"),
                    ("fleet <name>", "a list from the profile's [fleets] table"),
                    ("releases of chart <name>", "read from the API: releases of that chart on the clusters after 'on'"),
                    ("releases matching <pattern>", "read from the API: names matching the pattern (* any text, ? one character)"),
                ])
        case .rollout:
            let variables = MemberVariable.allCases.map { "${\($0.rawValue)}" }.joined(separator: " ")
            return StatementForm(
                .changes,
                reading: .own(syntax: "rollout <group> " + RolloutClause.allCases.map { "[\($0.syntax)]" }.joined(separator: " ") + " { <statements> }"),
                summary: "run the block once per member of a group, in waves, with halt rules; the member is in use, and \(variables) name it",
                example: "rollout web waves 1 10% rest parallel 8 halt after 2 then rollback failed { upgrade; wait deployed }",
                details: RolloutClause.allCases.map { ($0.syntax, $0.summary) } + MemberVariable.allCases.map { ("${\($0.rawValue)}", $0.summary) })
        }
    }
}

extension StatementForm {
    /// What an analysis source is, for help.
    static func meaning(of source: AnalysisSource) -> String {
        switch source {
        case .prometheus: return "a PromQL query to the Prometheus server named by --prometheus or the profile; its one number must meet the condition"
        case .aom: return "a PromQL query to AOM's Prometheus-compatible API in the target's region, signed with the target's credentials"
        case .http: return "a request (GET unless a method is written) whose answer must have the status, and the text or JSON field if given"
        }
    }
}
