/// One call of the release and chart API with its arguments, as a value: what a plan records, and
/// what the client can show in its wire form (`AutopilotClient.wireRequest(for:)`).
public enum ReleaseCall: Sendable, Hashable {
    case releases(cluster: String, namespace: String?, chart: String?)
    case release(name: String, namespace: String, cluster: String)
    case history(name: String, namespace: String, cluster: String)
    case install(
        name: String, namespace: String, cluster: String, chart: String, chartVersion: String, values: ReleaseValues,
        parameters: ReleaseParameters?, description: String?)
    case update(
        name: String, namespace: String, cluster: String, action: ReleaseAction, chart: String, values: ReleaseValues,
        parameters: ReleaseParameters)
    case uninstall(name: String, namespace: String, cluster: String)
    case charts
    case chart(id: String)
    case chartValues(id: String)
    case clusters

    /// True for a change sent as a dry run, which the service checks and does not apply.
    public var isDryRun: Bool {
        switch self {
        case .install(_, _, _, _, _, _, let parameters, _): return parameters?.dryRun == true
        case .update(_, _, _, _, _, _, let parameters): return parameters.dryRun == true
        default: return false
        }
    }

    /// True for the calls that change something.
    public var isChange: Bool {
        switch self {
        case .install, .update, .uninstall: return true
        default: return false
        }
    }
}
