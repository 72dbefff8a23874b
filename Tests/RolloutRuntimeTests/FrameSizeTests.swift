import AutopilotModels
import RolloutRuntime
import Testing

/// The values every step carries through its async functions stay a few words wide: each function's
/// frame keeps a slot for each one it holds across an `await`, and a rollout holds its frames once
/// for every member in flight (a 256-wide fleet held 60 MB of frames when these were inline).
@Suite struct FrameSizeTests {
    @Test(arguments: [
        ("StepFailure", MemoryLayout<StepFailure>.size, 32),
        ("RunEvent", MemoryLayout<RunEvent>.size, 8),
        ("StepResult", MemoryLayout<StepResult>.size, 8),
        ("AutopilotError", MemoryLayout<AutopilotError>.size, 160),
    ])
    func aValueCarriedThroughAStepStaysSmall(name: String, size: Int, most: Int) {
        #expect(size <= most, "\(name) is \(size) bytes")
    }

    @Test func aBoxedFieldReadsBackWhatWasSet() {
        var failure = StepFailure(.api, "refused", apiError: AutopilotError(kind: .api, httpStatus: 404, message: "not found"))
        #expect(failure.apiError?.httpStatus == 404)
        failure.apiError?.message = "gone"
        #expect(failure.apiError?.message == "gone")
        failure.apiError = nil
        #expect(failure.apiError == nil)
        var error = AutopilotError(kind: .outcomeUnknown, message: "no answer")
        #expect(error.readBack == nil)
        error.readBack = Release(name: "web", namespace: "default", clusterID: "c1", version: 7, status: .deployed)
        #expect(error.readBack?.version == 7)
    }
}
