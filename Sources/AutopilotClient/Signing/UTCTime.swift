public import Foundation

/// A moment in UTC as calendar fields, computed with integer arithmetic (Howard Hinnant's `civil_from_days`
/// and `days_from_civil`): no `Calendar`, no time-zone lookup, nothing allocated. The signer stamps every
/// request with one and the emulator every answer.
package struct UTCTime: Equatable, Sendable {
    package var year: Int
    package var month: Int
    package var day: Int
    package var hour: Int
    package var minute: Int
    package var second: Int

    /// The fields of `date`, rounded down to the second.
    package init(_ date: Date) {
        self.init(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// The fields of a count of seconds since 1970-01-01T00:00:00Z.
    package init(secondsSince1970 seconds: Int) {
        let (days, daySeconds) = Self.floorDivide(seconds, 86_400)
        hour = daySeconds / 3600
        minute = daySeconds % 3600 / 60
        second = daySeconds % 60
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Fields as given; nil unless they name a real moment (month 1–12, a day the month has, and so on).
    package init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            UTCTime(secondsSince1970: secondsSince1970) == self
        else { return nil }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    package var secondsSince1970: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = Self.floorDivide(shiftedYear, 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The moment as a `Date`.
    package var date: Date { Date(timeIntervalSince1970: Double(secondsSince1970)) }

    /// `20240102T030405Z`, the `X-Sdk-Date` form.
    package var compactText: String {
        digits(year, 4) + digits(month, 2) + digits(day, 2) + "T" + digits(hour, 2) + digits(minute, 2) + digits(second, 2) + "Z"
    }

    /// `2024-01-02T03:04:05+00:00`, the form CCE writes in answers.
    package var isoText: String {
        digits(year, 4) + "-" + digits(month, 2) + "-" + digits(day, 2) + "T" + digits(hour, 2) + ":" + digits(minute, 2) + ":"
            + digits(second, 2) + "+00:00"
    }

    private func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    private static func floorDivide(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }
}
