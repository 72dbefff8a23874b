/// The calls the interpreter makes: `AutopilotClient` is one, and anything else that implements
/// it (a recorder, a fake) can stand in.
public protocol ReleaseAPI: Sendable {
    /// The releases of a cluster.
    func releases(in cluster: String, namespace: String?, chart: String?) async throws(AutopilotError) -> [Release]
    /// One release.
    func release(_ name: String, in namespace: String, cluster: String, showResources: Bool) async throws(AutopilotError) -> Release
    /// Every version of a release.
    func history(of name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> [Release]
    /// Installs a chart as a release; the release as answered, with the call's request id.
    func install(
        release name: String, in namespace: String, cluster: String, chart: String, chartVersion: String,
        values: ReleaseValues, parameters: ReleaseParameters?, description: String?
    ) async throws(AutopilotError) -> Answered<Release>
    /// Upgrades or rolls back a release; the release as answered, with the call's request id.
    func update(
        release name: String, in namespace: String, cluster: String, action: ReleaseAction, chart: String,
        values: ReleaseValues, parameters: ReleaseParameters
    ) async throws(AutopilotError) -> Answered<Release>
    /// Deletes a release; the answer carries the call's request id.
    func uninstall(release name: String, in namespace: String, cluster: String) async throws(AutopilotError) -> Answered<Void>
    /// The project's charts.
    func charts() async throws(AutopilotError) -> [Chart]
    /// One chart.
    func chart(_ id: String) async throws(AutopilotError) -> Chart
    /// A chart's default values.
    func chartValues(_ id: String) async throws(AutopilotError) -> JSONValue
    /// The project's clusters, by name and id.
    func clusters() async throws(AutopilotError) -> [Cluster]
}
