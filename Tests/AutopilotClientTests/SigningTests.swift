@testable import AutopilotClient
import Foundation
import Testing

/// The signer's date arithmetic, held to Foundation's `Calendar`.
struct UTCTimeTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func agreesWithCalendarOverFourCenturies() {
        var generator = SystemRandomNumberGenerator()
        let samples = [0, -1, 86_399, 86_400, 951_782_400, 4_107_542_399, -2_208_988_800]
            + (0..<5000).map { _ in Int.random(in: -6_000_000_000...8_000_000_000, using: &generator) }
        for seconds in samples {
            let time = UTCTime(secondsSince1970: seconds)
            let c = Self.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            #expect(
                [time.year, time.month, time.day, time.hour, time.minute, time.second] == [c.year, c.month, c.day, c.hour, c.minute, c.second],
                "\(seconds)")
            #expect(time.secondsSince1970 == seconds)
        }
    }

    @Test func formatsBothForms() {
        let time = UTCTime(secondsSince1970: 951_825_845)
        #expect(time.compactText == "20000229T120405Z")
        #expect(time.isoText == "2000-02-29T12:04:05+00:00")
        #expect(SigningDate.format(Date(timeIntervalSince1970: 951_825_845.9)) == "20000229T120405Z")
        #expect(SigningDate.parse("20000229T120405Z") == Date(timeIntervalSince1970: 951_825_845))
    }

    @Test(arguments: ["19000229T000000Z", "20231301T000000Z", "20230431T000000Z", "20230101T240000Z", "20230101T006000Z", "2023010T1000000Z", "20230101 000000Z"])
    func refusesDatesThatDoNotExist(text: String) {
        #expect(SigningDate.parse(text) == nil)
    }
}

/// The signer's shortcuts give what the long way gives.
struct SignerShortcutTests {
    @Test(arguments: SigningAlgorithm.allCases)
    func theEmptyPayloadHashIsTheHashOfNothing(algorithm: SigningAlgorithm) {
        #expect(algorithm.emptyHash == algorithm.hexHash([UInt8]()))
    }
}
