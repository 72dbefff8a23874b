/// A chart package uploaded to the project.
public struct Chart: Sendable, Hashable {
    /// The chart id, used by installs and upgrades.
    public var id: String
    /// The chart name (from Chart.yaml).
    public var name: String
    /// The chart version (from Chart.yaml).
    public var version: String
    /// The default values (values.yaml), decoded from JSON text.
    public var values: JSONValue
    /// The description.
    public var description: String
    /// Where the chart came from, e.g. `package`.
    public var source: String
    /// An icon URL.
    public var iconURL: String
    /// Whether the chart is public.
    public var isPublic: Bool
    /// The chart's URL.
    public var chartURL: String
    /// The translation text.
    public var translate: String
    /// The instructions text.
    public var instruction: String
    /// When it was uploaded.
    public var createdAt: String
    /// When it last changed.
    public var updatedAt: String

    /// Makes a chart value.
    public init(
        id: String, name: String, version: String, values: JSONValue = .object([:]), description: String = "",
        source: String = "", iconURL: String = "", isPublic: Bool = false, chartURL: String = "", translate: String = "",
        instruction: String = "", createdAt: String = "", updatedAt: String = ""
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.values = values
        self.description = description
        self.source = source
        self.iconURL = iconURL
        self.isPublic = isPublic
        self.chartURL = chartURL
        self.translate = translate
        self.instruction = instruction
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One line of the project's chart quota.
public struct ChartQuota: Sendable, Hashable {
    /// The resource type, e.g. `Charts`.
    public var type: String
    /// How many are allowed.
    public var quota: Int
    /// How many are used.
    public var used: Int

    /// Makes a quota line.
    public init(type: String, quota: Int, used: Int) {
        self.type = type
        self.quota = quota
        self.used = used
    }
}

/// The form parameters of a chart upload or update (sent as JSON text in the `parameters` part).
public struct ChartUploadParameters: Sendable, Hashable {
    /// Replace a chart of the same name and version.
    public var override: Bool?
    /// Skip the chart lint.
    public var skipLint: Bool?
    /// Make the chart visible.
    public var visible: Bool?
    /// The source, e.g. `package`.
    public var source: String?

    /// Makes parameters; every field defaults to unset.
    public init(override: Bool? = nil, skipLint: Bool? = nil, visible: Bool? = nil, source: String? = nil) {
        self.override = override
        self.skipLint = skipLint
        self.visible = visible
        self.source = source
    }

    /// The JSON text, with only the fields that are set.
    public var jsonText: String {
        var object: [String: JSONValue] = [:]
        if let override { object["override"] = .bool(override) }
        if let skipLint { object["skip_lint"] = .bool(skipLint) }
        if let visible { object["visible"] = .bool(visible) }
        if let source { object["source"] = .string(source) }
        return JSONValue.object(object).jsonText
    }
}
