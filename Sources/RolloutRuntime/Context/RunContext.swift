public import AutopilotModels
public import RolloutSyntax

/// What statements run against and with: the cluster, namespace and release in use, the settings
/// for the next change, and the variables.
public struct RunContext: Sendable {
    /// The cluster as written (an id or an alias).
    public var cluster: String?
    /// The namespace in use.
    public var namespace: String = "default"
    /// True once a namespace was chosen (then `list` shows only it).
    public var namespaceChosen = false
    /// The release last named.
    public var release: String?
    /// Settings for the next change.
    public var change = PendingChange()
    /// How long a wait waits.
    public var timeout: Duration = .seconds(300)
    /// How often a wait looks at first (it backs off to 10 s).
    public var interval: Duration = .seconds(1)
    /// Variables from `let` and the command line.
    public var variables: [String: String] = [:]

    /// An empty context.
    public init(cluster: String? = nil, namespace: String? = nil, variables: [String: String] = [:]) {
        self.cluster = cluster
        if let namespace {
            self.namespace = namespace
            namespaceChosen = true
        }
        self.variables = variables
    }

    /// What the checker may assume where a script starts in this context, with these environment variables.
    public func checkScope(environment: [String: String]) -> CheckScope {
        var scope = CheckScope(
            clusterInUse: cluster != nil, releaseInUse: release != nil,
            variables: Set(variables.keys).union(environment.keys))
        scope.values = variables
        return scope
    }
}

/// The values, chart and flags set for the next change; used once.
public struct PendingChange: Sendable, Equatable {
    /// `set tag`.
    public var tag: String?
    /// `set pull-policy`.
    public var pullPolicy: String?
    /// `set value` paths and values.
    public var values: [(path: String, value: JSONValue)] = []
    /// `set chart`.
    public var chart: String?
    /// `set dry-run` and the other flags.
    public var flags: [ParameterFlag: Bool] = [:]

    /// Nothing set.
    public init() {}

    /// True when nothing is set.
    public var isEmpty: Bool { tag == nil && pullPolicy == nil && values.isEmpty && chart == nil && flags.isEmpty }

    /// The values as the API takes them.
    public var releaseValues: ReleaseValues {
        var other: JSONValue = .object([:])
        for (path, value) in values { other = other.setting(path: path, to: value) }
        return ReleaseValues(imageTag: tag, imagePullPolicy: pullPolicy, other: other.objectValue)
    }

    /// The parameters as the API takes them.
    public var parameters: ReleaseParameters {
        ReleaseParameters(
            dryRun: flags[.dryRun], noHooks: flags[.noHooks], replace: flags[.replace], recreate: flags[.recreate],
            resetValues: flags[.resetValues], includeHooks: flags[.includeHooks])
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.tag == rhs.tag && lhs.pullPolicy == rhs.pullPolicy && lhs.chart == rhs.chart && lhs.flags == rhs.flags
            && lhs.values.map(\.path) == rhs.values.map(\.path) && lhs.values.map(\.value) == rhs.values.map(\.value)
    }
}

/// Expands `${NAME}` and `${NAME:-default}`: variables first, then the environment.
public struct Expander: Sendable {
    /// Variables from `let` and the command line.
    public var variables: [String: String]
    /// The process environment.
    public var environment: [String: String]

    /// True in a plan: a variable whose name says it holds a secret expands to `******`, so that no
    /// plan holds a secret.
    public var hidingSecrets: Bool

    /// An expander over variables and an environment.
    public init(variables: [String: String], environment: [String: String], hidingSecrets: Bool = false) {
        self.variables = variables
        self.environment = environment
        self.hidingSecrets = hidingSecrets
    }

    /// The value of a variable, if defined.
    public func value(of name: String) -> String? {
        guard let value = variables[name] ?? environment[name] else { return nil }
        guard SecretKeys.isSecret(name) else { return value }
        // A secret variable's value stays secret under whatever name it is used.
        SecretValues.known.insert(value)
        return hidingSecrets ? SecretValues.mask : value
    }

    /// The word's text; throws the name of the first undefined variable. A default is used when the
    /// variable is unset or empty, as in the shell.
    public func expand(_ word: Word) throws(UndefinedVariable) -> String {
        try word.expanded(value(of:))
    }
}
