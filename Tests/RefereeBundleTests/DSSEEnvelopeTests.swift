import Foundation
import Testing
@testable import RefereeBundle

@Suite struct DSSEEnvelopeTests {
    /// The DSSE spec's PAE example.
    @Test func paeMatchesSpecExample() {
        let pae = DSSEEnvelope.pae(payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }

    /// Lengths are byte counts, not character counts.
    @Test func paeCountsBytes() {
        let pae = DSSEEnvelope.pae(payloadType: "t", payload: Data("é".utf8))
        #expect(pae == Data("DSSEv1 1 t 2 ".utf8) + Data("é".utf8))
    }

    @Test func payloadIsStandardBase64() {
        let envelope = DSSEEnvelope(payload: Data([0xfb, 0xff]), payloadType: "x", signatures: [])
        #expect(envelope.payload == "+/8=")
        #expect(envelope.payloadBytes == Data([0xfb, 0xff]))
    }
}
