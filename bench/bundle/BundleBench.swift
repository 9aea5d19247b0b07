// Benchmark driver for RefereeCrypto / RefereeBundle, compiled by run.sh against the release
// build's objects. Usage:
//   bundle-bench hash FILE          -> prints "<hex> <seconds>" (wall seconds)
//   bundle-bench signverify RECORD  -> prints "sign <seconds>" and "verify <seconds>" (CPU
//                                      seconds; the audit is a fixed one, so this is everything
//                                      sign and verify do besides re-running the audit)
import Foundation
import RefereeAudit
import RefereeBundle
import RefereeCrypto

/// CPU seconds (user + system) of this process spent in `body`: on a machine shared with other
/// jobs, wall time measures the load more than the code.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    func cpu() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    let start = cpu()
    try body()
    return cpu() - start
}

let args = CommandLine.arguments
guard args.count == 3 else {
    FileHandle.standardError.write(Data("usage: bundle-bench hash FILE | signverify RECORD\n".utf8))
    exit(2)
}
let url = URL(fileURLWithPath: args[2])
switch args[1] {
case "hash":
    // Wall seconds, as run.sh times `openssl dgst` and `sha256sum` (best of N, warm cache).
    var hex = ""
    let start = DispatchTime.now().uptimeNanoseconds
    hex = try SHA256.hex(fileAt: url)
    let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(hex, String(format: "%.3f", t))
case "signverify":
    let audit = RecordAudit(path: url.path, track: "track_10min_16mb", rulesVersion: "1",
                            rulesDigest: String(repeating: "0", count: 64), score: nil, runs: [],
                            results: [RuleResult(id: "size.artifact-cap", status: .pass, message: "bench")])
    let key = try Ed25519PrivateKey.generate()
    let signer = BundleSigner(key: key, toolVersion: "bench", audit: { _ in audit })
    let verifier = BundleVerifier(trustedKey: try key.publicKey(), audit: { _ in audit })
    let signTime = try seconds { try signer.sign(url) }
    var report: VerificationReport?
    let verifyTime = try seconds { report = try verifier.verify(url) }
    guard report?.verified == true else {
        print("verify failed: \(report?.failure?.description ?? "?")")
        exit(1)
    }
    print("sign", String(format: "%.4f", signTime))
    print("verify", String(format: "%.4f", verifyTime))
default:
    exit(2)
}
