import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// The JSON form of results, with stable keys; values have their secrets redacted.
enum JSONOutput {
    static func release(_ release: Release) -> JSONValue {
        [
            "name": .string(release.name), "namespace": .string(release.namespace),
            "cluster_id": .string(release.clusterID), "cluster_name": .string(release.clusterName),
            "chart_name": .string(release.chartName), "chart_version": .string(release.chartVersion),
            "version": .int(release.version), "status": .string(release.status.rawValue),
            "status_description": .string(release.statusDescription), "description": .string(release.description),
            "values": release.values.redactingSecrets(), "created_at": .string(release.createdAt),
            "updated_at": .string(release.updatedAt),
        ]
    }

    static func chart(_ chart: Chart) -> JSONValue {
        [
            "id": .string(chart.id), "name": .string(chart.name), "version": .string(chart.version),
            "description": .string(chart.description), "values": chart.values.redactingSecrets(),
            "created_at": .string(chart.createdAt), "updated_at": .string(chart.updatedAt),
        ]
    }

    static func result(_ result: StepResult) -> JSONValue {
        switch result {
        case .none: return ["type": "none"]
        case .message(let text): return ["type": "message", "message": .string(text)]
        case .release(let r): return ["type": "release", "release": release(r)]
        case .status(let r): return ["type": "status", "release": release(r)]
        case .releases(let list): return ["type": "releases", "releases": .array(list.map(release))]
        case .history(let name, let versions):
            return ["type": "history", "release": .string(name), "versions": .array(versions.map(release))]
        case .charts(let list): return ["type": "charts", "charts": .array(list.map(chart))]
        case .chart(let c): return ["type": "chart", "chart": chart(c)]
        case .values(let id, let values): return ["type": "values", "chart": .string(id), "values": values.redactingSecrets()]
        case .change(let action, let r, let dryRun):
            return ["type": "change", "action": .string(action.rawValue), "dry_run": .bool(dryRun), "release": release(r)]
        case .waited(let target, let r, let elapsed):
            return [
                "type": "waited", "target": .string(target), "release": r.map(release) ?? .null,
                "elapsed_seconds": .double(DurationText.seconds(elapsed)),
            ]
        case .expectation(let text): return ["type": "expectation", "message": .string(text)]
        case .planned(let text): return ["type": "planned", "message": .string(text)]
        }
    }

    static func failure(_ failure: StepFailure) -> JSONValue {
        var object: [String: JSONValue] = ["kind": .string(failure.kind.rawValue), "message": .string(failure.message)]
        if let api = failure.apiError {
            object["http_status"] = api.httpStatus.map { .int($0) } ?? .null
            object["error_code"] = api.errorCode.map { .string($0) } ?? .null
            object["error_msg"] = .string(api.message)
            object["request_id"] = api.requestID.map { .string($0) } ?? .null
        }
        return .object(object)
    }

    static func step(_ info: StepInfo) -> [String: JSONValue] {
        ["step": .int(info.number), "location": .string(info.location.fileAndLine), "statement": .string(info.text), "else": .bool(info.isElse)]
    }
}
