import AutopilotClient
import Foundation
import RolloutRuntime
import RolloutSyntax

/// The text of a statement's result, free of the terminal's state: the renderer prints it, `watch`
/// draws it again and again, step mode shows a change's diff with it.
struct ResultText: Sendable {
    let style: Style

    /// Every member's end, and a line of counts.
    static func table(_ summary: FleetSummary) -> String {
        var table = Table(headers: ["MEMBER", "WAVE", "STATE", "DETAIL"])
        table.rows = summary.members.map { [$0.tag.member.label, String($0.tag.wave), $0.state.shown, $0.state.reason ?? ""] }
        let counts = summary.counts.map { "\($0.count) \($0.state)" }.joined(separator: ", ")
        return table.render() + "\nrollout \(summary.group) \(summary.outcome.rawValue) in \(seconds(summary.elapsed)): \(counts)"
    }

    /// A statement's result as the human form shows it (`watch` draws it too).
    func result(_ info: StepInfo, _ result: StepResult) -> String {
        let mark = style.green("✔")
        switch result {
        case .none: return "\(mark) \(info.text)"
        case .message(let text): return info.statement.keyword == .echo ? text.terminalSafeLines : "\(mark) \(text.terminalSafe)"
        case .expectation(let text), .planned(let text): return "\(mark) \(text.terminalSafe)"
        case .status(let release): return statusLine(release)
        case .release(let release): return block(release)
        case .releases(let releases):
            guard !releases.isEmpty else { return style.dim("no releases") }
            var table = Table(headers: ["NAME", "NAMESPACE", "VERSION", "STATUS", "CHART", "TAG", "UPDATED"])
            table.rows = releases.map {
                [$0.name, $0.namespace, String($0.version), $0.status.rawValue, "\($0.chartName)-\($0.chartVersion)", $0.imageTag ?? "", $0.updatedAt]
            }
            return table.render()
        case .history(_, let versions):
            var table = Table(headers: ["VERSION", "UPDATED", "STATUS", "CHART", "TAG", "DESCRIPTION"])
            table.rows = versions.map {
                [String($0.version), $0.updatedAt, $0.status.rawValue, "\($0.chartName)-\($0.chartVersion)", $0.imageTag ?? "", $0.description]
            }
            return table.render()
        case .charts(let charts):
            guard !charts.isEmpty else { return style.dim("no charts") }
            var table = Table(headers: ["ID", "NAME", "VERSION", "UPDATED"])
            table.rows = charts.map { [$0.id, $0.name, $0.version, $0.updatedAt] }
            return table.render()
        case .chart(let chart):
            return [
                "chart \(style.bold(chart.name.terminalSafe)) \(chart.version.terminalSafe)", "  id          \(chart.id.terminalSafe)",
                "  description \(chart.description.terminalSafe)", "  updated     \(chart.updatedAt.terminalSafe)",
                "  values", Self.indented(chart.values.redactingSecrets()),
            ].joined(separator: "\n")
        case .values(_, let values):
            return Self.indented(values.redactingSecrets(), by: 0)
        case .group(let name, let members):
            let clusters = Set(members.map(\.cluster)).count
            let releases = members.filter { $0.release != nil }.count
            let what = releases == 0 ? "\(clusters) cluster\(clusters == 1 ? "" : "s")" : "\(releases) release\(releases == 1 ? "" : "s") on \(clusters) cluster\(clusters == 1 ? "" : "s")"
            return "\(mark) group \(name): \(what)"
        case .fleet(let summary):
            return "\(mark) rollout \(summary.group.terminalSafe): \(summary.tally) in \(Self.seconds(summary.elapsed))"
        case .diff(let preview):
            return diff(preview)
        case .unchanged(let release):
            return "\(style.green("=")) \(release.name.terminalSafe) unchanged at version \(release.version) \(style.status(release.status.rawValue.terminalSafe)): "
                + "the upgrade would change no value, so it was not sent"
        case .change(let action, let release, let dryRun):
            let name = release.name.terminalSafe, status = release.status.rawValue.terminalSafe
            if dryRun {
                return "\(mark) \(action.rawValue) \(name) (dry run, nothing changed): would make version \(release.version)"
            }
            if action == .uninstall { return "\(mark) uninstall \(name): \(style.status(status))" }
            return "\(mark) \(action.rawValue) \(name): version \(release.version) \(style.status(status))"
                + (release.imageTag.map { " (tag \($0.terminalSafe))" } ?? "")
        case .verified(let release, let tally, let dryRunFailure?):
            return style.yellow("~ \(info.text) (dry run) would have failed: \(dryRunFailure.terminalSafe)") + style.dim(" (\(release.terminalSafe): \(tally.summary))")
        case .verified(let release, let tally, nil):
            let last = tally.last.map { ": \($0.reason.terminalSafe)" } ?? ""
            return "\(mark) \(info.text)\(last) " + style.dim("(\(release.terminalSafe): \(tally.summary))")
        case .waited(let target, let release, let elapsed):
            guard let release else { return "\(mark) \(info.text): gone after \(Self.seconds(elapsed))" }
            return "\(mark) \(release.name.terminalSafe) is \(style.status(target)) (version \(release.version)) after \(Self.seconds(elapsed))"
        }
    }

    /// A diff's lines, coloured on a terminal: changed yellow, added green, removed red.
    func diff(_ preview: ChangePreview) -> String {
        preview.lines { kind, text in
            switch kind {
            case .changed: return style.yellow(text)
            case .added: return style.green(text)
            case .removed: return style.red(text)
            }
        }.joined(separator: "\n")
    }

    private func statusLine(_ release: Release) -> String {
        let status = style.status(release.status.rawValue.terminalSafe)
        return "\(release.name.terminalSafe)  version \(release.version)  \(status)  "
            + "\(release.chartName.terminalSafe) \(release.chartVersion.terminalSafe)"
            + (release.imageTag.map { "  tag \($0.terminalSafe)" } ?? "") + "  (\(release.namespace.terminalSafe))"
    }

    private func block(_ release: Release) -> String {
        let cluster = release.clusterName.isEmpty ? release.clusterID : release.clusterName
        let description = release.statusDescription.isEmpty ? "" : " (\(release.statusDescription.terminalSafe))"
        return [
            "\(style.bold(release.name.terminalSafe)) in \(release.namespace.terminalSafe) on \(cluster.terminalSafe)",
            "  version     \(release.version)",
            "  status      \(style.status(release.status.rawValue.terminalSafe))" + description,
            "  chart       \(release.chartName.terminalSafe) \(release.chartVersion.terminalSafe)",
            "  updated     \(release.updatedAt.terminalSafe)",
            "  values", Self.indented(release.values.redactingSecrets()),
        ].joined(separator: "\n")
    }

    /// Pretty JSON, indented.
    static func indented(_ value: JSONValue, by spaces: Int = 4) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? value.jsonText
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> String {
        let value = DurationText.seconds(duration)
        return value < 60 ? String(format: "%.1fs", value) : DurationText.format(duration)
    }
}
