import AutopilotModels
import RolloutSyntax

extension Interpreter {
    /// A release that is not in the namespace the statement looked in but in exactly one other
    /// namespace of the cluster: the failure says where, with the statement to type. A typo or a
    /// release in several namespaces keeps the service's answer as it is.
    func locatedElsewhere(_ failure: StepFailure, _ kind: StatementKind) async -> StepFailure {
        guard mode == .run, failure.apiError?.isNotFound == true, kind.release != nil || context.release != nil else { return failure }
        switch kind {
        case .show, .status, .history, .upgrade, .rollback, .uninstall, .wait, .expect: break
        default: return failure
        }
        guard let target = kind.target, let resolved = try? resolve(kind.release, target),
            let releases = try? await api.releases(in: resolved.cluster, namespace: nil, chart: nil)
        else { return failure }
        let elsewhere = Set(releases.filter { $0.name == resolved.name && $0.namespace != resolved.namespace }.map(\.namespace))
        guard elsewhere.count == 1, let namespace = elsewhere.first else { return failure }
        var located = failure
        located.message += "; \(resolved.name) is in namespace \(namespace): \(kind.keyword.rawValue) \(resolved.name) in \(namespace)"
        return located
    }
}
