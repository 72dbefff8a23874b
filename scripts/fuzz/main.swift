// libFuzzer entry: the rollout language's front end, and JSONValue's reader and writer, on arbitrary bytes.
import AutopilotModels
import RolloutSyntax

@_cdecl("LLVMFuzzerTestOneInput")
public func rolloutFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    if let problem = SelfCheck.verify(text) { fatalError(problem) }
    // Release answers carry JSON inside JSON: whatever the reader accepts, the writer must write so it reads the same.
    if let value = try? JSONValue.parse(utf8: bytes), (try? JSONValue.parse(value.jsonText)) != value {
        fatalError("JSON text did not survive a round trip: \(value.jsonText)")
    }
    return 0
}
