@testable import AutopilotModels
import Synchronization
import Testing

/// A time limit gives up on a body that outlasts it, and leaves nothing behind when the body answers.
@Suite struct TimeLimitTests {
    @Test func aBodyThatAnswersInTimeGivesItsValue() async throws {
        #expect(try await withTimeLimit(.seconds(60)) { 7 } == 7)
    }

    @Test func aBodyThatOutlastsItsLimitIsCancelledAndTheLimitNamed() async throws {
        let sawCancel = Atomic(false)
        let error = await #expect(throws: TimeLimitExceeded.self) {
            try await withTimeLimit(.milliseconds(50)) { () async throws -> Int in
                do { try await Task.sleep(for: .seconds(3600)) } catch { sawCancel.store(true, ordering: .relaxed) }
                return 1
            }
        }
        #expect(error?.description == "no complete answer within 50ms")
        let cancelled = sawCancel.load(ordering: .relaxed)
        #expect(cancelled)
    }

    @Test func aTimerRunsOut() async throws {
        try await LimitTimer().sleep(for: .milliseconds(20))
    }

    @Test func aCancelledTimerThrowsAndLetsGoOfItselfLongBeforeItsTime() async throws {
        weak var watched: LimitTimer?
        let sleeping: Task<Void, any Error>
        do {
            let timer = LimitTimer()
            watched = timer
            sleeping = Task { try await timer.sleep(for: .seconds(3600)) }
        }
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        // Dispatch lets go of a cancelled timer's handler on its own queue, soon after the cancel.
        let deadline = ContinuousClock.now + .seconds(60)
        while watched != nil, ContinuousClock.now < deadline { await Task.yield() }
        #expect(watched == nil, "the timer of a cancelled sleep is still held")
    }

    @Test func aTimerInATaskCancelledBeforeItStartsThrowsAtOnce() async throws {
        let sleeping = Task { () async throws in
            while !Task.isCancelled { await Task.yield() }
            try await LimitTimer().sleep(for: .seconds(3600))
        }
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
    }
}
