public import AutopilotModels
public import RolloutSyntax

/// What reading a release back after a change found.
public enum ReadBack: Equatable, Sendable {
    case found(Release)
    case gone
    case unknown

    /// The release, when it was found.
    public var release: Release? {
        if case .found(let release) = self { return release }
        return nil
    }
}

/// Whether a change whose answer was lost was applied, judged from the release read back: the one
/// rule that a step whose answer was lost or cut off and a resume that finds a change left
/// unknown both ask, so that the two never disagree.
public enum ChangeVerdict: Equatable, Sendable {
    /// It was applied; the version it made, when there is one.
    case applied(version: Int?)
    /// It was not applied: the release is as it was.
    case notApplied
    /// The release cannot tell: it could not be read, or it moved on by more than one change.
    case unknown

    /// Judges a change of `action` made on a release at `versionBefore` (nil for an install).
    public static func judge(_ action: Keyword, versionBefore: Int?, readBack: ReadBack) -> ChangeVerdict {
        switch (action, readBack) {
        case (_, .unknown): return .unknown
        case (.install, .found(let release)): return .applied(version: release.version)
        case (.install, .gone): return .notApplied
        case (.uninstall, .gone): return .applied(version: nil)
        case (.uninstall, .found(let release)): return release.status == .deleting ? .applied(version: nil) : .notApplied
        case (_, .gone): return .notApplied
        case (_, .found(let release)):
            let before = versionBefore ?? 0
            if release.version == before + 1 { return .applied(version: release.version) }
            return release.version == before ? .notApplied : .unknown
        }
    }
}
