/// What `use` sets.
public enum UseKind: String, Sendable, CaseIterable {
    case cluster, namespace, release

    /// An example name, for notes.
    var example: String {
        switch self {
        case .cluster: return "demo"
        case .namespace: return "monitoring"
        case .release: return "testwww"
        }
    }
}

/// The settings `set` takes besides the API flags.
public enum SettingName: String, Sendable, CaseIterable {
    case tag, pullPolicy = "pull-policy", value, chart, timeout, interval

    /// Every word `set` takes: the settings, then the flags.
    public static let allWords = allCases.map(\.rawValue) + ParameterFlag.allCases.map(\.rawValue)

    /// What its argument is, and an example, for notes.
    var argument: (what: String, example: String) {
        switch self {
        case .tag: return ("image tag", "set tag v2")
        case .pullPolicy: return ("pull policy", "set pull-policy IfNotPresent")
        case .value: return ("value path", "set value basic.storage_size = 20G")
        case .chart: return ("chart id or name", "set chart shop-web")
        case .timeout: return ("duration", "set timeout 5m")
        case .interval: return ("duration", "set interval 2s")
        }
    }
}

/// A boolean API parameter `set` can turn on or off.
public enum ParameterFlag: String, Sendable, CaseIterable {
    case dryRun = "dry-run"
    case resetValues = "reset-values"
    case recreate
    case noHooks = "no-hooks"
    case includeHooks = "include-hooks"
    case replace
}

/// The words a flag takes: `on`/`true` and `off`/`false`.
public enum Switch: String, Sendable, CaseIterable {
    case on, off, `true`, `false`

    /// True for `on` and `true`.
    public var isOn: Bool { self == .on || self == .true }
}

/// The image pull policies Kubernetes knows, for completion.
public enum PullPolicy: String, Sendable, CaseIterable {
    case ifNotPresent = "IfNotPresent", always = "Always", never = "Never"
}
