import Foundation
package import OpenAPIRuntime

extension Release {
    /// A release from the wire model, its JSON-text fields decoded.
    init(wire: Components.Schemas.ReleaseResp) {
        self.init(
            name: wire.name ?? "", namespace: wire.namespace ?? "", clusterID: wire.clusterId ?? "",
            clusterName: wire.clusterName ?? "", chartName: wire.chartName ?? "", chartVersion: wire.chartVersion ?? "",
            chartPublic: wire.chartPublic ?? false, version: Int(wire.version ?? 0),
            status: ReleaseStatus(rawValue: wire.status ?? "UNKNOWN"), statusDescription: wire.statusDescription ?? "",
            description: wire.description ?? "", values: JSONValue(jsonText: wire.values) ?? .object([:]),
            parameters: JSONValue(jsonText: wire.parameters), resources: JSONValue(jsonText: wire.resources),
            createdAt: wire.createAt ?? "", updatedAt: wire.updateAt ?? "")
    }

    /// The wire model of this release, its structured fields as JSON text.
    package var wire: Components.Schemas.ReleaseResp {
        .init(
            chartName: chartName, chartPublic: chartPublic, chartVersion: chartVersion, clusterId: clusterID,
            clusterName: clusterName, createAt: createdAt, description: description, name: name, namespace: namespace,
            parameters: parameters?.jsonText ?? "", resources: resources?.jsonText ?? "", status: status.rawValue,
            statusDescription: statusDescription, updateAt: updatedAt, values: values.jsonText, version: Int64(version))
    }
}

extension Chart {
    /// A chart from the wire model.
    init(wire: Components.Schemas.ChartResp) {
        self.init(
            id: wire.id ?? "", name: wire.name ?? "", version: wire.version ?? "",
            values: JSONValue(jsonText: wire.values) ?? .object([:]), description: wire.description ?? "",
            source: wire.source ?? "", iconURL: wire.iconUrl ?? "", isPublic: wire._public ?? false,
            chartURL: wire.chartUrl ?? "", translate: wire.translate ?? "", instruction: wire.instruction ?? "",
            createdAt: wire.createAt ?? "", updatedAt: wire.updateAt ?? "")
    }

    /// The wire model of this chart.
    package var wire: Components.Schemas.ChartResp {
        .init(
            id: id, name: name, values: values.jsonText, translate: translate, instruction: instruction, version: version,
            description: description, source: source, iconUrl: iconURL, _public: isPublic, chartUrl: chartURL,
            createAt: createdAt, updateAt: updatedAt)
    }
}

extension JSONValue {
    /// Decodes JSON text; nil for nil or empty text, the text itself as a string when it is not JSON.
    init?(jsonText: String?) {
        guard let text = jsonText, !text.isEmpty else { return nil }
        self = (try? JSONValue.parse(text)) ?? .string(text)
    }

    /// Converts an OpenAPI free-form object.
    package init(container: OpenAPIObjectContainer?) throws {
        guard let container else {
            self = .object([:])
            return
        }
        let data = try JSONEncoder().encode(container)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Converts to an OpenAPI free-form object (objects only; anything else is empty).
    package var objectContainer: OpenAPIObjectContainer {
        get throws {
            let data = try JSONEncoder().encode(JSONValue.object(objectValue))
            return try JSONDecoder().decode(OpenAPIObjectContainer.self, from: data)
        }
    }
}

extension Components.Schemas.ReleaseValues {
    /// The wire values: the two named fields and the open map.
    init(_ values: ReleaseValues) {
        self.init(
            imagePullPolicy: values.imagePullPolicy, imageTag: values.imageTag,
            additionalProperties: (try? JSONValue.object(values.other).objectContainer) ?? .init())
    }
}

extension ReleaseValues {
    /// Values from the wire model.
    package init(wire: Components.Schemas.ReleaseValues) {
        self.init(
            imageTag: wire.imageTag, imagePullPolicy: wire.imagePullPolicy,
            other: ((try? JSONValue(container: wire.additionalProperties)) ?? .object([:])).objectValue)
    }
}

extension Components.Schemas.ReleaseReqBodyParams {
    /// The wire parameters.
    init(_ parameters: ReleaseParameters) {
        self.init(
            dryRun: parameters.dryRun, nameTemplate: parameters.nameTemplate, noHooks: parameters.noHooks,
            replace: parameters.replace, recreate: parameters.recreate, resetValues: parameters.resetValues,
            releaseVersion: parameters.releaseVersion.map { Int32(clamping: $0) }, includeHooks: parameters.includeHooks)
    }
}

extension ReleaseParameters {
    /// Parameters from the wire model.
    package init(wire: Components.Schemas.ReleaseReqBodyParams?) {
        self.init(
            dryRun: wire?.dryRun, nameTemplate: wire?.nameTemplate, noHooks: wire?.noHooks, replace: wire?.replace,
            recreate: wire?.recreate, resetValues: wire?.resetValues, releaseVersion: wire?.releaseVersion.map(Int.init),
            includeHooks: wire?.includeHooks)
    }

    /// The parameters as a JSON object, with only the fields that are set.
    public var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if let dryRun { object["dry_run"] = .bool(dryRun) }
        if let nameTemplate { object["name_template"] = .string(nameTemplate) }
        if let noHooks { object["no_hooks"] = .bool(noHooks) }
        if let replace { object["replace"] = .bool(replace) }
        if let recreate { object["recreate"] = .bool(recreate) }
        if let resetValues { object["reset_values"] = .bool(resetValues) }
        if let releaseVersion { object["release_version"] = .int(releaseVersion) }
        if let includeHooks { object["include_hooks"] = .bool(includeHooks) }
        return .object(object)
    }
}
