public import Foundation

/// A Huawei Cloud region as Huawei's SDKs know it: its id, CCE's endpoint there and the IAM
/// endpoint that looks up its project.
public struct Region: Sendable, Hashable, CustomStringConvertible {
    /// The region id, e.g. `cn-north-4`.
    public let id: String
    /// CCE's endpoint in the region (or the `HUAWEICLOUD_SDK_REGION_CCE_<ID>` override).
    public let endpoint: Endpoint
    /// IAM's endpoint for the region's project lookup and tokens (or `HUAWEICLOUD_SDK_IAM_ENDPOINT`,
    /// or the `iam_endpoint` of Huawei's credentials file).
    public var iam: Endpoint
    /// AOM's endpoint in the region, for analyses (or `HUAWEICLOUD_SDK_REGION_AOM_<ID>`); nil when
    /// the region's id makes no host name.
    public var aom: Endpoint?

    /// The regions where the Python SDK (huaweicloudsdkcce 3.1.219, `CceRegion`) has a CCE endpoint.
    public static let known: [String] = [
        "cn-north-1", "cn-north-2", "cn-north-4", "cn-north-9", "cn-south-1", "cn-south-2",
        "cn-south-4", "cn-east-2", "cn-east-3", "cn-southwest-2", "ap-southeast-1", "ap-southeast-2",
        "ap-southeast-3", "af-south-1", "sa-brazil-1", "la-south-2", "la-north-2", "na-mexico-1",
        "ru-northwest-2", "ap-southeast-4", "tr-west-1", "ae-ad-1", "eu-west-101", "cn-north-11",
        "my-kualalumpur-1", "eu-west-0", "ru-moscow-1", "me-east-1", "cn-east-4", "af-north-1",
        "cn-east-5", "ap-southeast-5", "cn-north-12",
    ]

    /// The regions whose IAM has a regional endpoint in the SDK's table (`auth/endpoint.py`); others
    /// use the global one.
    static let regionalIAM: Set<String> = [
        "cn-north-2", "cn-north-4", "cn-north-1", "cn-east-2", "cn-east-3", "cn-south-1",
        "cn-south-2", "cn-southwest-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "af-south-1",
        "sa-brazil-1", "la-south-2", "na-mexico-1", "la-north-2", "cn-north-9", "eu-west-0",
        "my-kualalumpur-1", "ru-moscow-1", "me-east-1", "ap-southeast-4", "ae-ad-1", "cn-east-4",
        "cn-east-5", "tr-west-1", "cn-north-12",
    ]

    /// A region by id, as the SDKs resolve it: `HUAWEICLOUD_SDK_REGION_CCE_<ID>` (the id upper-cased,
    /// `-` as `_`; the first of a comma-separated list) overrides CCE's endpoint and makes an id
    /// known; otherwise the id must be one of `known`.
    public init(_ id: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(RegionProblem) {
        let variable = Self.overrideVariable("CCE", id)
        if let override = Self.override(variable, environment) {
            do { self.endpoint = try Endpoint(parsing: override) } catch {
                throw RegionProblem(message: "\(variable): \(error)")
            }
        } else {
            guard Self.known.contains(id) else {
                let note = Suggest.closest(to: id, in: Self.known).map { "; " + Suggest.didYouMean($0) } ?? ""
                throw RegionProblem(
                    message: "unknown region '\(id)'\(note) (CCE is in \(Self.known.count) regions, which the README lists; \(variable) names the endpoint of another)")
            }
            // A known id makes a host name.
            self.endpoint = Self.endpoint(of: "cce", in: id)!
        }
        self.id = id
        iam = try Self.iam(of: id, environment: environment)
        aom = try Self.aom(of: id, environment: environment)
    }

    /// The variable that overrides a service's endpoint in a region, as the SDKs name it:
    /// `HUAWEICLOUD_SDK_REGION_<SERVICE>_<ID>` (the id upper-cased, `-` as `_`).
    static func overrideVariable(_ service: String, _ id: String) -> String {
        "HUAWEICLOUD_SDK_REGION_\(service)_" + id.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The first endpoint of an override's comma-separated list, when it is set.
    private static func override(_ variable: String, _ environment: [String: String]) -> String? {
        environment[variable]?.split(separator: ",").first.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// AOM's endpoint in a region: `HUAWEICLOUD_SDK_REGION_AOM_<ID>`, else the public one; nil for an
    /// id that cannot be part of a host name (a region given with its own CCE endpoint may be any id).
    private static func aom(of id: String, environment: [String: String]) throws(RegionProblem) -> Endpoint? {
        let variable = overrideVariable("AOM", id)
        guard let text = override(variable, environment) else { return endpoint(of: "aom", in: id) }
        do { return try Endpoint(parsing: text) } catch { throw RegionProblem(message: "\(variable): \(error)") }
    }

    /// A service's public endpoint in a region: `https://<service>.<region>.myhuaweicloud.com`, `.eu`
    /// for the European sovereign region `eu-west-101`; nil for an id that is not a host name's part
    /// (letters, digits and `-`).
    public static func endpoint(of service: String, in id: String) -> Endpoint? {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        let domain = id == "eu-west-101" ? "myhuaweicloud.eu" : "myhuaweicloud.com"
        return URL(string: "https://\(service).\(id).\(domain)").map(Endpoint.init(url:))
    }

    /// A region whose CCE endpoint is given (a private endpoint); IAM and AOM as for any region.
    public init(
        id: String, endpoint: Endpoint, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RegionProblem) {
        self.id = id
        self.endpoint = endpoint
        iam = try Self.iam(of: id, environment: environment)
        aom = try Self.aom(of: id, environment: environment)
    }

    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the region's own IAM when the SDK's table has one (the
    /// `.eu` domain for `eu-west-101`), else the global IAM.
    private static func iam(of id: String, environment: [String: String]) throws(RegionProblem) -> Endpoint {
        if let text = environment["HUAWEICLOUD_SDK_IAM_ENDPOINT"], !text.isEmpty {
            do { return try Endpoint(parsing: text) } catch { throw RegionProblem(message: "HUAWEICLOUD_SDK_IAM_ENDPOINT: \(error)") }
        }
        if id == "eu-west-101" || regionalIAM.contains(id) { return endpoint(of: "iam", in: id)! }
        return Endpoint(url: URL(string: "https://iam.myhuaweicloud.com")!)
    }

    /// The region id.
    public var description: String { id }
}

/// A region that cannot be used: unknown, or an override that is not a URL.
public struct RegionProblem: Error, Sendable, CustomStringConvertible {
    /// What is wrong, with a did-you-mean where one is close.
    public var message: String
    /// The message.
    public var description: String { message }
}
