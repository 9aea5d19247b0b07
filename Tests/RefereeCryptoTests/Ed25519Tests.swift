import Foundation
import Testing
@testable import RefereeCrypto

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, tests 1 and 2.
    @Test(arguments: [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
         "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
         "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ])
    func rfc8032Vectors(seed: String, publicKey: String, message: String, signature: String) throws {
        let key = try Ed25519PrivateKey(rawRepresentation: [UInt8](hex: seed))
        let pub = try key.publicKey()
        #expect(pub.rawRepresentation == [UInt8](hex: publicKey))
        let message = Data([UInt8](hex: message))
        let sig = try key.signature(for: message)
        #expect(Hex.encode(sig) == signature)
        #expect(pub.isValidSignature(sig, for: message))
    }

    @Test func rejectsAlteredMessageSignatureAndOtherKey() throws {
        let key = try Ed25519PrivateKey.generate()
        let other = try Ed25519PrivateKey.generate()
        let message = Data("the record's statement".utf8)
        let sig = try key.signature(for: message)
        let pub = try key.publicKey()
        #expect(pub.isValidSignature(sig, for: message))
        var alteredMessage = message
        alteredMessage[0] ^= 1
        #expect(!pub.isValidSignature(sig, for: alteredMessage))
        var alteredSig = sig
        alteredSig[10] ^= 0x80
        #expect(!pub.isValidSignature(alteredSig, for: message))
        #expect(!pub.isValidSignature(sig.prefix(63), for: message))
        #expect(!(try other.publicKey()).isValidSignature(sig, for: message))
    }

    @Test func generatedKeysDiffer() throws {
        let a = try Ed25519PrivateKey.generate().publicKey()
        let b = try Ed25519PrivateKey.generate().publicKey()
        #expect(a != b)
        #expect(try a.keyID() != b.keyID())
    }

    @Test func wrongRawLengthsAreRejected() {
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) }
    }
}
