import ArgumentParser
import AutopilotClient
import Foundation
@testable import RolloutCLI
import Testing

/// Target resolution: which source's credentials a cloud target uses, in the SDKs' order, and the
/// proxy and CA settings; in-process, with every file in a folder of the test's own.
@Suite struct CredentialChainTests {
    /// A home with Huawei's credentials file and rollout's config folder.
    struct Home {
        let path: String
        var environment: [String: String] { ["HOME": path, "XDG_CONFIG_HOME": path + "/config"] }

        init(credentialsFile: String? = nil, mode: Int = 0o600, config: String? = nil) throws {
            path = InProcessTests.emptyFolder()
            if let credentialsFile {
                let file = path + "/.huaweicloud/credentials"
                try FileManager.default.createDirectory(atPath: path + "/.huaweicloud", withIntermediateDirectories: true)
                try credentialsFile.write(toFile: file, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
            }
            if let config {
                try FileManager.default.createDirectory(atPath: path + "/config/rollout", withIntermediateDirectories: true)
                try config.write(toFile: path + "/config/rollout/config.toml", atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path + "/config/rollout/config.toml")
            }
        }
    }

    static let fileKeys = "[basic]\nak = FILEAKFILEAKFILE01\nsk = file-sk\n"
    static let profile = """
        default = "prod"
        [profiles.prod]
        region = "cn-north-4"
        ak_env = "PROD_AK"
        sk_env = "PROD_SK"
        """

    func resolve(_ arguments: [String], _ environment: [String: String]) throws -> TargetChoice {
        try TargetChoice.resolve(try TargetOptions.parse(arguments), environment: environment)
    }

    @Test func huaweisCredentialsFileAndARegionAreEnough() throws {
        let home = try Home(credentialsFile: Self.fileKeys)
        let choice = try resolve(["--region", "cn-north-4"], home.environment)
        #expect(choice.credentials.accessKeyID == "FILEAKFILEAKFILE01")
        #expect(choice.credentialSource == "Huawei's credentials file \(home.path)/.huaweicloud/credentials [basic]")
        // No project id: it is looked up in the region's IAM.
        #expect(choice.projectLookup?.region.iam.description == "https://iam.cn-north-4.myhuaweicloud.com")
    }

    @Test func aCredentialsFileOthersCanReadIsRefused() throws {
        let home = try Home(credentialsFile: Self.fileKeys, mode: 0o644)
        #expect(throws: CLIError.self) { try resolve(["--region", "cn-north-4"], home.environment) }
        do { _ = try resolve(["--region", "cn-north-4"], home.environment) } catch {
            #expect("\(error)".contains("run 'chmod 600"))
        }
    }

    @Test func theEnvironmentComesBeforeTheDefaultProfileAndTheFile() throws {
        let home = try Home(credentialsFile: Self.fileKeys, config: Self.profile)
        var environment = home.environment.merging(["PROD_AK": "PROFILEAK00000001", "PROD_SK": "p"]) { $1 }
        #expect(try resolve([], environment).credentials.accessKeyID == "PROFILEAK00000001")
        environment["HUAWEICLOUD_SDK_AK"] = "ENVAKENVAKENV0001"
        environment["HUAWEICLOUD_SDK_SK"] = "e"
        #expect(try resolve([], environment).credentials.accessKeyID == "ENVAKENVAKENV0001")
    }

    @Test func anExplicitProfileWinsOverAmbientVariables() throws {
        let home = try Home(config: Self.profile)
        let environment = home.environment.merging(
            ["PROD_AK": "PROFILEAK00000001", "PROD_SK": "p", "CLOUD_SDK_AK": "GLOBALAK000000001", "CLOUD_SDK_SK": "g"]) { $1 }
        let chosen = try resolve(["--profile", "prod"], environment)
        #expect(chosen.credentials.accessKeyID == "PROFILEAK00000001")
        #expect(chosen.credentialSource == "profile prod (ak, sk)")
        let byVariable = try resolve([], environment.merging(["ROLLOUT_PROFILE": "prod"]) { $1 })
        #expect(byVariable.credentials.accessKeyID == "PROFILEAK00000001")
    }

    @Test func flagsComeFirstAndTheSKIsReadFromAFile() throws {
        let home = try Home(credentialsFile: Self.fileKeys)
        let skFile = home.path + "/sk"
        try "flag-sk\n".write(toFile: skFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: skFile)
        let choice = try resolve(["--region", "cn-north-4", "--ak", "FLAGAKFLAGAKFLAG1", "--sk-file", skFile, "--project-id", "p1"], home.environment)
        #expect(choice.credentials.accessKeyID == "FLAGAKFLAGAKFLAG1")
        #expect(choice.credentials.projectID == "p1")
        #expect(throws: CLIError.self) { try resolve(["--region", "cn-north-4", "--ak", "A"], home.environment) }
    }

    @Test func aProfileWithAnIAMUserGetsATokenFromTheRegionsIAM() throws {
        let home = try Home(config: """
            [profiles.ops]
            region = "cn-north-4"
            iam_user = "deployer"
            iam_domain = "acme"
            password_env = "OPS_PASSWORD"
            agency = "cce-deploy"
            """)
        let choice = try resolve(["--profile", "ops"], home.environment.merging(["OPS_PASSWORD": "pw-123"]) { $1 })
        let token = try #require(choice.fetcher as? IAMToken)
        #expect(token.user.password.value == "pw-123" && token.agency?.domain == "acme")
        #expect(choice.credentialSource == "profile ops: an IAM token for user deployer of acme, assuming agency acme/cce-deploy from https://iam.cn-north-4.myhuaweicloud.com")
        #expect(!choice.describe(url: URL(string: "https://x")!).contains("pw-123"))
    }

    @Test(arguments: [
        ("ak = \"PRODAK00000000001\"\nsk_env = \"PROD_SK\"", [:],
         "profile prod: sk_env names PROD_SK, which is not set; nothing was sent"),
        ("ak_env = \"PROD_AK\"\nsk_env = \"PROD_SK\"", ["PROD_AK": "PRODAK00000000001", "PROD_SK": ""],
         "profile prod: sk_env names PROD_SK, which is not set"),
        ("ak = \"PRODAK00000000001\"", [:], "profile prod: ak needs sk_env (or sk)"),
        ("token_env = \"PROD_TOKEN\"", [:], "profile prod: token_env names PROD_TOKEN, which is not set"),
        ("iam_user = \"deployer\"\niam_domain = \"acme\"\npassword_env = \"PROD_PASSWORD\"", [:],
         "profile prod: password_env names PROD_PASSWORD, which is not set"),
        ("iam_user = \"deployer\"\npassword_env = \"PROD_PASSWORD\"", ["PROD_PASSWORD": "pw"], "profile prod: iam_user needs iam_domain;"),
    ] as [(String, [String: String], String)])
    func aProfilesCredentialsThatCannotBeHadNeverFallThroughToAnother(
        settings: String, variables: [String: String], message: String
    ) throws {
        // Every other source has credentials: the environment, the file, the default profile.
        let home = try Home(credentialsFile: Self.fileKeys, config: "default = \"prod\"\n[profiles.prod]\nregion = \"cn-north-4\"\n\(settings)\n")
        let ambient = ["HUAWEICLOUD_SDK_AK": "ENVAKENVAKENV0001", "HUAWEICLOUD_SDK_SK": "e"]
        for (arguments, environment) in [
            (["--profile", "prod"], home.environment.merging(variables) { $1 }.merging(ambient) { $1 }),
            ([], home.environment.merging(variables) { $1 }),
        ] {
            do {
                let choice = try resolve(arguments, environment)
                Issue.record("signed with \(choice.credentialSource) instead")
            } catch let error as CLIError {
                #expect(error.exitCode == 2)
                #expect(error.description.contains(message), "\(error)")
            }
        }
    }

    @Test func huaweisCredentialsFileIsReadAsTheSDKReadsIt() throws {
        // [DEFAULT] gives every section its keys, as configparser does.
        let inherited = try Home(credentialsFile: "[DEFAULT]\nak = DEFAULTAKDEFAULT01\nsk = d\n[basic]\nproject_id = p9\n")
        let choice = try resolve(["--region", "cn-north-4"], inherited.environment)
        #expect(choice.credentials.accessKeyID == "DEFAULTAKDEFAULT01" && choice.credentials.projectID == "p9")
        // A file with no [basic], or one that names no key, is passed over for the next source.
        for text in ["[other]\nak = OTHERAK\nsk = o\n", "[DEFAULT]\nak = DEFAULTAK\nsk = d\n", "[basic]\nproject_id = p9\n"] {
            let home = try Home(credentialsFile: text)
            #expect(try resolve(["--region", "cn-north-4"], home.environment).fetcher != nil, "\(text)")
        }
        // Its iam_endpoint wins over HUAWEICLOUD_SDK_IAM_ENDPOINT, as in the SDKs.
        let withIAM = try Home(credentialsFile: Self.fileKeys + "iam_endpoint = https://iam.file.example\n")
        let looked = try resolve(["--region", "cn-north-4"], withIAM.environment.merging(["HUAWEICLOUD_SDK_IAM_ENDPOINT": "https://iam.env.example"]) { $1 })
        #expect(looked.projectLookup?.region.iam.description == "https://iam.file.example")
    }

    @Test(arguments: [
        ("[basic]\nak = HALFAKHALFAK00001\n", [:], "[basic] has ak without sk; a key pair needs both"),
        ("[basic]\nidp_id = idp\nid_token_file = /t\n", [:], "names federated credentials (idp_id, id_token_file), which rollout does not support"),
        (fileKeys, ["HUAWEICLOUD_SDK_IDP_ID": "idp", "HUAWEICLOUD_SDK_ID_TOKEN_FILE": "/t"], "HUAWEICLOUD_SDK_IDP_ID asks for federated (OIDC) credentials"),
    ] as [(String, [String: String], String)])
    func whereTheSDKWouldSignAsAnotherIdentityRolloutStops(file: String, variables: [String: String], message: String) throws {
        let home = try Home(credentialsFile: file)
        do {
            let choice = try resolve(["--region", "cn-north-4"], home.environment.merging(variables) { $1 })
            Issue.record("signed with \(choice.credentialSource)")
        } catch let error as CLIError {
            #expect(error.exitCode == 2 && error.topic == "credentials")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func aKeyPairSplitAcrossFamiliesStopsBeforeAnyCall() throws {
        let home = try Home()
        let environment = home.environment.merging(["CLOUD_SDK_AK": "A", "HUAWEICLOUD_SDK_SK": "s"]) { $1 }
        do {
            _ = try resolve(["--region", "cn-north-4"], environment)
            Issue.record("a split key pair was taken")
        } catch let error as CLIError {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("a key pair must come from one family of variables"))
        }
    }

    @Test func withNothingElseTheCredentialServicesAreAsked() throws {
        let home = try Home()
        let choice = try resolve(["--region", "cn-north-4"], home.environment.merging(["HC_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/c", "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/t"]) { $1 })
        #expect(choice.fetcher != nil)
        #expect(choice.credentialSource == "the ECS metadata service at http://169.254.169.254, then CCE pod identity at http://10.0.0.1/c")
    }

    @Test func anUnknownRegionIsAnErrorWithADidYouMean() throws {
        let home = try Home()
        do {
            _ = try resolve(["--region", "cn-nort-4"], home.environment)
            Issue.record("an unknown region was taken")
        } catch let error as CLIError {
            #expect(error.description.hasPrefix("unknown region 'cn-nort-4'; did you mean 'cn-north-4'?"))
        }
    }

    @Test func proxyAndCASettingsComeFromFlagsProfileAndEnvironment() throws {
        let home = try Home(config: Self.profile + "\nproxy = \"http://profile-proxy:3128\"\n")
        let environment = home.environment.merging(["PROD_AK": "A", "PROD_SK": "s", "HTTPS_PROXY": "http://env-proxy:3128", "NO_PROXY": ".internal"]) { $1 }
        let endpoint = URL(string: "https://cce.cn-north-4.myhuaweicloud.com")!
        #expect(try resolve([], environment).network.proxies.proxy(for: endpoint)?.host == "profile-proxy")
        #expect(try resolve(["--proxy", "http://flag-proxy:8080"], environment).network.proxies.proxy(for: endpoint)?.host == "flag-proxy")
        #expect(try resolve([], environment).network.proxies.proxy(for: URL(string: "https://cce.internal")!) == nil)
        #expect(throws: CLIError.self) { try resolve(["--ca-file", home.path + "/missing.pem"], environment) }
        #expect(throws: CLIError.self) { try resolve(["--proxy", "socks5://x:1"], environment) }
    }

    @Test func aProfileWithAProxyPasswordOthersCanReadIsRefused() throws {
        let home = try Home(config: Self.profile + "\nproxy = \"http://u:pa55@proxy:3128\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: home.path + "/config/rollout/config.toml")
        do {
            _ = try resolve([], home.environment)
            Issue.record("a readable proxy password was taken")
        } catch {
            #expect("\(error)".contains("holds a secret (prod.proxy)"))
            #expect(!"\(error)".contains("pa55"))
        }
    }
}
