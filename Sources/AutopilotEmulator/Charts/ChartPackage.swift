import AutopilotClient
import CompressNIO
import NIOCore
import Yams

/// A chart package (`.tgz`): its name and version from `Chart.yaml`, and its default values from
/// `values.yaml`.
struct ChartPackage: Sendable {
    var name: String
    var version: String
    var description: String
    var values: JSONValue

    /// Reads a package; throws a 400 that says why when it is not a chart.
    static func read(_ bytes: [UInt8]) throws(EmulatorError) -> ChartPackage {
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            throw .badRequest("The chart package is not a gzip-compressed archive (.tgz)")
        }
        var buffer = ByteBuffer(bytes: bytes)
        guard let tar = try? buffer.decompress(with: .gzip(), maxSize: 64 << 20) else {
            throw .badRequest("The chart package is not a valid gzip stream")
        }
        guard let entries = TarArchive.read(Array(buffer: tar)) else {
            throw .badRequest("The chart package is not a tar archive")
        }
        guard let chartFile = entries.first(where: { isTopLevel($0.path, file: "Chart.yaml") }) else {
            throw .badRequest("The chart package has no <name>/Chart.yaml")
        }
        guard let chart = try? Yams.load(yaml: String(decoding: chartFile.bytes, as: UTF8.self)) as? [String: Any] else {
            throw .badRequest("Chart.yaml is not a YAML mapping")
        }
        guard let name = (chart["name"]).map({ "\($0)" }), !name.isEmpty else {
            throw .badRequest("Chart.yaml has no name")
        }
        guard let version = (chart["version"]).map({ "\($0)" }), !version.isEmpty else {
            throw .badRequest("Chart.yaml has no version")
        }
        var values = JSONValue.object([:])
        if let file = entries.first(where: { isTopLevel($0.path, file: "values.yaml") }) {
            let text = String(decoding: file.bytes, as: UTF8.self)
            guard let loaded = try? Yams.load(yaml: text) else { throw .badRequest("values.yaml is not valid YAML") }
            values = JSONValue(yaml: loaded)
        }
        return ChartPackage(name: name, version: version, description: (chart["description"] as? String) ?? "", values: values)
    }

    /// Builds a package with `Chart.yaml`, `values.yaml` and one template.
    static func make(name: String, version: String, description: String, values: JSONValue) -> [UInt8] {
        let chartYAML = "apiVersion: v2\nname: \(name)\nversion: \(version)\ndescription: \(description)\ntype: application\n"
        let valuesYAML = (try? Yams.dump(object: values.yamlObject, sortKeys: true)) ?? "{}\n"
        let template = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}
            spec:
              template:
                spec:
                  containers:
                    - name: {{ .Chart.Name }}
                      image: "{{ .Values.image.repository | default .Chart.Name }}:{{ .Values.imageTag }}"
                      imagePullPolicy: {{ .Values.imagePullPolicy }}

            """
        let tar = TarArchive.write([
            .init(path: "\(name)/Chart.yaml", bytes: Array(chartYAML.utf8)),
            .init(path: "\(name)/values.yaml", bytes: Array(valuesYAML.utf8)),
            .init(path: "\(name)/templates/deployment.yaml", bytes: Array(template.utf8)),
        ])
        var buffer = ByteBuffer(bytes: tar)
        let compressed = (try? buffer.compress(with: .gzip())) ?? ByteBuffer()
        return Array(buffer: compressed)
    }

    private static func isTopLevel(_ path: String, file: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 2 && parts[1] == file
    }
}

extension JSONValue {
    /// Converts what Yams loads (`[String: Any]`, `[Any]`, scalars) to a JSON value.
    init(yaml: Any?) {
        switch yaml {
        case nil: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .int(value)
        case let value as Double: self = .double(value)
        case let value as String: self = .string(value)
        case let value as [Any]: self = .array(value.map { JSONValue(yaml: $0) })
        case let value as [String: Any]: self = .object(value.mapValues { JSONValue(yaml: $0) })
        case let value as [AnyHashable: Any]:
            self = .object(Dictionary(uniqueKeysWithValues: value.map { ("\($0.key)", JSONValue(yaml: $0.value)) }))
        default: self = .string("\(yaml!)")
        }
    }

    /// The value as plain Swift objects, for Yams to dump.
    var yamlObject: Any {
        switch self {
        case .null: return NSNullSubstitute.null
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let values): return values.map(\.yamlObject)
        case .object(let object): return object.mapValues(\.yamlObject)
        }
    }
}

/// Yams dumps `""` for this; charts rarely hold nulls.
enum NSNullSubstitute { static let null = "" }
