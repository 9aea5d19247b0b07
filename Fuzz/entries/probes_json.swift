// libFuzzer entry of the `probes_json` target (scripts/fuzz.sh compiles it with FuzzTargets.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func refereeFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let broken = FuzzTargets.probesJSON(bytes) { fatalError("probes_json: " + broken) }
    return 0
}
