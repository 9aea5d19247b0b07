import Foundation
import COpenSSL

/// SHA-256 through libcrypto's EVP interface.
public enum SHA256 {
    /// Digest of `data`, as lowercase hex.
    public static func hex(_ data: Data) -> String {
        // TODO(helper: bundle): replace with a streaming EVP wrapper; this one is whole-buffer.
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        data.withUnsafeBytes { raw in
            _ = EVP_Digest(raw.baseAddress, raw.count, &out, &len, EVP_sha256(), nil)
        }
        return out.map { String(format: "%02x", $0) }.joined()
    }
}
