/// The statuses `wait` and `expect status` take: the API's release statuses, and `deleted` for a
/// release that is gone.
public enum WaitStatus: String, Sendable, CaseIterable {
    case deployed, failed, deleted, unknown
    case pendingInstall = "pending-install", pendingUpgrade = "pending-upgrade", pendingRollback = "pending-rollback"
    case deleting

    /// Reads a status word as scripts write it: `deployed`, `DEPLOYED`, `pending-upgrade`, `pending_upgrade`.
    public init?(spelling text: String) {
        self.init(rawValue: String(text.lowercased().map { $0 == "_" ? "-" : $0 }))
    }

    /// The API's status (`PENDING_UPGRADE`), or nil for `deleted`, which the API shows by not finding the release.
    public var apiStatus: String? {
        self == .deleted ? nil : String(rawValue.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// How results show it: the API's status, or `DELETED`.
    public var shown: String { apiStatus ?? "DELETED" }
}
