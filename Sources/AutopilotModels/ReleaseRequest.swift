/// The values of an install or upgrade: the two the API names, and any other chart value beside them.
public struct ReleaseValues: Sendable, Hashable {
    /// `imageTag`.
    public var imageTag: String?
    /// `imagePullPolicy`.
    public var imagePullPolicy: String?
    /// Every other key, e.g. `basic` → `{storage_size: 20G}`.
    public var other: [String: JSONValue]

    /// Makes values.
    public init(imageTag: String? = nil, imagePullPolicy: String? = nil, other: [String: JSONValue] = [:]) {
        self.imageTag = imageTag
        self.imagePullPolicy = imagePullPolicy
        self.other = other
    }

    /// All values as one JSON object.
    public var json: JSONValue {
        var object = other
        if let imageTag { object["imageTag"] = .string(imageTag) }
        if let imagePullPolicy { object["imagePullPolicy"] = .string(imagePullPolicy) }
        return .object(object)
    }

    /// True when nothing is set.
    public var isEmpty: Bool { imageTag == nil && imagePullPolicy == nil && other.isEmpty }
}

/// The `parameters` of a release request (`ReleaseReqBodyParams`).
public struct ReleaseParameters: Sendable, Hashable {
    /// Only validate; change nothing.
    public var dryRun: Bool?
    /// A release name template.
    public var nameTemplate: String?
    /// Skip hooks on install.
    public var noHooks: Bool?
    /// Replace a release of the same name.
    public var replace: Bool?
    /// Recreate the release's resources on update.
    public var recreate: Bool?
    /// Start from the chart's values instead of the last ones.
    public var resetValues: Bool?
    /// The version to roll back to.
    public var releaseVersion: Int?
    /// Run hooks on update or delete.
    public var includeHooks: Bool?

    /// Makes parameters; every field defaults to unset.
    public init(
        dryRun: Bool? = nil, nameTemplate: String? = nil, noHooks: Bool? = nil, replace: Bool? = nil,
        recreate: Bool? = nil, resetValues: Bool? = nil, releaseVersion: Int? = nil, includeHooks: Bool? = nil
    ) {
        self.dryRun = dryRun
        self.nameTemplate = nameTemplate
        self.noHooks = noHooks
        self.replace = replace
        self.recreate = recreate
        self.resetValues = resetValues
        self.releaseVersion = releaseVersion
        self.includeHooks = includeHooks
    }
}

/// What an update does: `upgrade` or `rollback`.
public enum ReleaseAction: String, Sendable, Hashable, CaseIterable {
    /// A new version with new values or chart.
    case upgrade
    /// A new version with an earlier version's chart and values.
    case rollback
}
