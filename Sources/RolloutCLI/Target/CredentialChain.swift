import AutopilotClient
import Foundation

/// Where a cloud target's credentials come from, in the order Huawei's SDKs look, with rollout's
/// own flags and profile in it: the command line, then an explicit profile (`--profile` or
/// `ROLLOUT_PROFILE`), then the environment, then the default profile, then Huawei's credentials
/// file, then the ECS metadata service and CCE pod identity. Each source is named (never its
/// secret) for `--debug` and `rollout doctor`.
struct CredentialChain {
    /// What was found: fixed credentials, or a fetcher for temporary ones.
    struct Found {
        var credentials: Credentials
        var fetcher: (any CredentialFetcher)?
        var source: String
        /// An IAM endpoint the source names (Huawei's credentials file may).
        var iamEndpoint: String?
    }

    /// The variables that make Huawei's SDK use federated credentials first.
    static let federationVariables = ["HUAWEICLOUD_SDK_IDP_ID", "HUAWEICLOUD_SDK_ID_TOKEN_FILE", "HUAWEICLOUD_OIDC_PROVIDER_URN"]

    /// Where the test suite (or a user with a metadata proxy) points the metadata service.
    static let metadataVariable = "ROLLOUT_METADATA_ENDPOINT"

    var options: TargetOptions
    var profile: Profile?
    var explicitProfile: Bool
    var environment: [String: String]

    /// The first source that has credentials. `region` is for IAM tokens; nil means nothing but the
    /// credential services is left, and they are tried at the first call.
    func resolve(region: Region?, network: NetworkSettings) throws -> Found {
        if let found = try fromFlags() { return found }
        if explicitProfile, let found = try fromProfile(region: region, network: network) { return found }
        if let federated = Self.federationVariables.first(where: { !(environment[$0] ?? "").isEmpty }) {
            throw CLIError(
                "\(federated) asks for federated (OIDC) credentials, which rollout does not support; Huawei's SDK would sign with them before any other source, so rollout stops rather than sign as another identity (unset it, or name credentials with --ak/--sk-file or --profile)",
                exitCode: 2, topic: "credentials")
        }
        do {
            if let found = try Credentials.fromEnvironment(environment) {
                return Found(credentials: found.credentials, source: found.source)
            }
        } catch { throw CLIError(error.description, exitCode: 2, topic: "credentials") }
        if !explicitProfile, let found = try fromProfile(region: region, network: network) { return found }
        do {
            if let (found, iam) = try CredentialsFile.read(environment: environment) {
                return Found(credentials: found.credentials, source: found.source, iamEndpoint: iam)
            }
        } catch { throw CLIError(error.description, exitCode: 2, topic: "credentials") }
        return try fromServices()
    }

    private func fromFlags() throws -> Found? {
        guard options.ak != nil || options.skFile != nil else { return nil }
        guard let ak = options.ak, let file = options.skFile else {
            throw CLIError("--ak and --sk-file go together (the SK is read from a file, so that it is not on the command line)", exitCode: 2, topic: "credentials")
        }
        let sk: String
        do { sk = try SecretFile.text(file, holding: "the SK") } catch { throw CLIError("--sk-file: \(error)", exitCode: 2, topic: "credentials") }
        return Found(credentials: .accessKey(AccessKey(id: ak, secret: Secret(sk))), source: "the command line (--ak, --sk-file \(file))")
    }

    private func fromProfile(region: Region?, network: NetworkSettings) throws -> Found? {
        guard let profile, profile.hasCredentials else { return nil }
        if let problem = profile.credentialProblem { throw CLIError(problem, exitCode: 2, topic: "credentials") }
        let source = "profile \(profile.name)"
        if let ak = profile.accessKey, let sk = profile.secretKey {
            let key = AccessKey(id: ak, secret: Secret(sk), securityToken: profile.securityToken.map { Secret($0) })
            return Found(credentials: .accessKey(key), source: "\(source) (ak, sk)")
        }
        if let token = profile.token { return Found(credentials: .token(Secret(token), projectID: nil), source: "\(source) (token)") }
        guard let user = profile.iamUser, let domain = profile.iamDomain, let password = profile.password else {
            throw CLIError("profile \(profile.name) names no usable credentials", exitCode: 2, topic: "credentials")
        }
        guard let region else { throw CLIError("profile \(profile.name): an IAM user token needs a region", exitCode: 2, topic: "credentials") }
        var agency: IAMToken.Agency?
        if let name = profile.agency { agency = IAMToken.Agency(name: name, domain: profile.agencyDomain ?? domain) }
        let fetcher = IAMToken(
            region: region, user: IAMToken.User(name: user, domain: domain, password: Secret(password)), agency: agency, network: network)
        return Found(credentials: .none, fetcher: fetcher, source: "\(source): \(fetcher.source)")
    }

    private func fromServices() throws -> Found {
        let metadataURL: URL
        if let text = environment[Self.metadataVariable], !text.isEmpty {
            do { metadataURL = try Endpoint(parsing: text).url } catch {
                throw CLIError("\(Self.metadataVariable): \(error)", exitCode: 2, topic: "credentials")
            }
        } else {
            metadataURL = MetadataService.standardEndpoint
        }
        var fetchers: [any CredentialFetcher] = [MetadataService(endpoint: metadataURL)]
        do {
            if let pod = try PodIdentity.fromEnvironment(environment) { fetchers.append(pod) }
        } catch { throw CLIError(error.description, exitCode: 2, topic: "credentials") }
        let chain = LastResort(services: FirstAnswering(fetchers))
        return Found(credentials: .none, fetcher: chain, source: chain.source)
    }

    /// The end of the chain: the credential services, whose failure says what else was looked at.
    struct LastResort: CredentialFetcher {
        let services: FirstAnswering
        var source: String { services.source }

        func fetch() async throws(AutopilotError) -> FetchedCredentials {
            do {
                return try await services.fetch()
            } catch {
                var failure = error
                failure.message = "no credentials: none in --ak/--sk-file, HUAWEICLOUD_SDK_AK/SK or CLOUD_SDK_AK/SK, the profile or ~/.huaweicloud/credentials, and \(error.message)"
                throw failure
            }
        }
    }
}
