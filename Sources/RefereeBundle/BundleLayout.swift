/// File names and type URIs of a signed record.
package enum BundleLayout {
    /// The DSSE envelope, at the top of the record folder. Not a subject of itself.
    package static let bundleFileName = "referee.bundle.json"
    /// The signer's public key (PEM SubjectPublicKeyInfo), beside the bundle. Not a subject.
    package static let publicKeyFileName = "referee.pub.pem"
    /// Files at the top of the record that are never subjects.
    package static let excludedTopLevelFiles: Set<String> = [bundleFileName, publicKeyFileName]
    /// Optional provenance files the runner writes into the record; embedded verbatim.
    package static let runFileName = "run.json"
    package static let environmentFileName = "environment.json"

    /// DSSE payload type of an in-toto statement.
    package static let payloadType = "application/vnd.in-toto+json"
    /// in-toto Statement v1 `_type`.
    package static let statementType = "https://in-toto.io/Statement/v1"
    /// Referee's predicate type (schema in docs/bundle.md).
    package static let predicateType = "https://referee.dev/parameter-golf/record/v1"
}
