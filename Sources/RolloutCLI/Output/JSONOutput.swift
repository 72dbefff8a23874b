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
        case .group(let name, let members):
            return ["type": "group", "group": .string(name), "members": .array(members.map { .string($0.label) })]
        case .fleet(let summary): return ["type": "rollout", "rollout": fleet(summary)]
        case .diff(let preview): return ["type": "diff", "diff": diff(preview)]
        case .unchanged(let r): return ["type": "unchanged", "release": release(r)]
        case .verified(let release, let tally, let dryRunFailure):
            return [
                "type": "verified", "release": .string(release), "passes": .int(tally.passes), "failures": .int(tally.failures),
                "inconclusive": .int(tally.inconclusive), "dry_run_failure": dryRunFailure.map { .string($0) } ?? .null,
            ]
        }
    }

    /// One measurement of an analysis: what was asked, what came back, and its verdict.
    static func measurement(_ measurement: AnalysisMeasurement, decided: Bool) -> [String: JSONValue] {
        [
            "event": "measured", "analysis": .string(measurement.analysis), "source": .string(measurement.source.rawValue),
            "query": .string(measurement.query), "release": .string(measurement.release), "value": measurement.value.map { .string($0) } ?? .null,
            "verdict": .string(measurement.verdict.rawValue), "reason": .string(measurement.reason), "dry_run": .bool(measurement.dryRun),
            "decided": .bool(decided),
        ]
    }

    /// A diff: what is compared, the chart when it changes, and each changed path with its values
    /// before and after (`******` for a secret, absent when added or removed).
    static func diff(_ preview: ChangePreview) -> JSONValue {
        return [
            "release": .string(preview.release), "title": .string(preview.title), "chart": preview.chart.map { .string($0) } ?? .null,
            "changes": .array(
                preview.diff.changes.map { change in
                    [
                        "path": .string(change.path), "kind": .string(change.kind.rawValue), "old": change.shownOld ?? .null,
                        "new": change.shownNew ?? .null,
                    ]
                }),
        ]
    }

    /// A rollout's end: its outcome and every member's state.
    static func fleet(_ summary: FleetSummary) -> JSONValue {
        [
            "group": .string(summary.group), "outcome": .string(summary.outcome.rawValue),
            "halt_reason": summary.haltReason.map { .string($0) } ?? .null,
            "elapsed_seconds": .double(DurationText.seconds(summary.elapsed)),
            "members": .array(summary.members.map { member($0.tag, $0.state) }),
        ]
    }

    /// A member with its wave and state.
    static func member(_ tag: MemberTag, _ state: MemberState) -> JSONValue {
        var object: [String: JSONValue] = ["member": .string(tag.member.label), "wave": .int(tag.wave), "state": .string(state.shown)]
        if let reason = state.reason { object["reason"] = .string(reason) }
        return .object(object)
    }

    /// A rollout event as one JSON object, or nil for those a reader does not need.
    static func fleetEvent(_ event: FleetEvent, of info: StepInfo, run: String) -> JSONValue? {
        var object = step(info, run: run)
        switch event {
        case .began(let overview):
            object["event"] = "rollout_began"
            object["group"] = .string(overview.group)
            object["parallel"] = .int(overview.parallel)
            object["waves"] = .array(overview.waves.map { .array($0.map { .string($0.label) }) })
            object["gates"] = .object(Dictionary(uniqueKeysWithValues: overview.gates.map { (String($0.key), JSONValue.string($0.value)) }))
        case .waveBegan(let wave):
            object["event"] = "wave_began"
            object["wave"] = .int(wave)
        case .waveEnded(let wave):
            object["event"] = "wave_ended"
            object["wave"] = .int(wave)
        case .member(let tag, let state):
            object["event"] = "member"
            for (key, value) in member(tag, state).objectValue { object[key] = value }
        case .soaking(let wave, let length, let analyses):
            object["event"] = "soaking"
            object["wave"] = .int(wave)
            object["seconds"] = .double(DurationText.seconds(length))
            object["analyses"] = .array(analyses.map { .string($0) })
        case .gate(let name, let passed, let how):
            object["event"] = "gate"
            object["gate"] = .string(name)
            object["passed"] = .bool(passed)
            object["how"] = .string(how)
        case .halted(let reason):
            object["event"] = "halted"
            object["reason"] = .string(reason)
        case .policy(let policy, let members):
            object["event"] = "policy"
            object["policy"] = .string(policy.spelling)
            object["members"] = .int(members)
        case .ended(let summary):
            object["event"] = "rollout_ended"
            object["rollout"] = fleet(summary)
        case .planFor, .planForEnded:
            return nil
        }
        return .object(object)
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

    static func step(_ info: StepInfo, run: String) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "step": .int(info.number), "location": .string(info.location.fileAndLine), "statement": .string(info.text), "else": .bool(info.isElse),
            "run": .string(run),
        ]
        if let tag = info.member {
            object["member"] = .string(tag.member.label)
            object["wave"] = .int(tag.wave)
        }
        return object
    }
}
