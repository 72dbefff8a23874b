import AutopilotModels
import Foundation
import RolloutSyntax
import Testing

/// Every file the fuzzer is seeded with, and every input that once broke the front end
/// (`Tests/RolloutSyntaxTests/FuzzCorpus`), must hold `SelfCheck`'s properties and, where it is JSON,
/// survive a round trip through `JSONValue`.
@Suite struct FuzzRegressionTests {
    static let corpus: [URL] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
        return ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }()

    @Test func corpusIsThere() { #expect(Self.corpus.count >= 5) }

    @Test(arguments: corpus)
    func frontEndHoldsOn(_ file: URL) throws {
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(SelfCheck.verify(text) == nil, "\(file.lastPathComponent)")
        if let value = try? JSONValue.parse(text) {
            #expect(try JSONValue.parse(value.jsonText) == value, "\(file.lastPathComponent): JSON round trip")
        }
    }
}
