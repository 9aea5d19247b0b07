// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Referee",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "referee", targets: ["referee"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // What Swift cannot reach directly: _GNU_SOURCE libc calls, wait macros, clone(2) with namespaces.
        .target(name: "CRefereeShims"),
        // Starting a submission's processes: a new session, or Linux namespaces (the sandbox).
        .target(name: "RefereeSandbox", dependencies: ["CRefereeShims"]),
        // Shared plumbing: source locations, streaming line reader, atomic writes, canonical JSON.
        .target(name: "RefereeCore"),
        // Evidence readers: free-text logs, submission.json, record folders.
        .target(name: "RefereeLogs", dependencies: ["RefereeCore"]),
        // Tokenizer (.model protobuf) and FineWeb shard readers, byte denominators.
        .target(name: "RefereeData", dependencies: ["RefereeCore"]),
        // Trace files written by submissions and probe results.
        .target(name: "RefereeTrace", dependencies: ["RefereeCore", "RefereeCrypto"]),
        // Rules as data, checks, findings and verdicts.
        .target(name: "RefereeAudit", dependencies: ["RefereeCore", "RefereeLogs", "RefereeTrace", "RefereeData", "RefereeCrypto"]),
        // libcrypto wrappers: SHA-256, Ed25519, PEM.
        .target(name: "RefereeCrypto", dependencies: ["COpenSSL", "RefereeCore"]),
        // in-toto statements in DSSE envelopes.
        .target(name: "RefereeBundle", dependencies: ["RefereeCore", "RefereeCrypto", "RefereeAudit"]),
        // Black-box probes: builds probe shards, runs a submission's eval entry point, compares.
        .target(name: "RefereeProbe", dependencies: ["RefereeCore", "RefereeSandbox", "RefereeTrace", "RefereeData", "RefereeCrypto"]),
        // Text/JSON/JUnit/GitHub output, submission.json, README.md, SVG, HTML.
        .target(name: "RefereeReport", dependencies: ["RefereeAudit", "RefereeLogs"]),
        // Launching submissions, owning the clock, the bytes and the environment.
        .target(name: "RefereeRunner", dependencies: ["RefereeSandbox", "RefereeProbe", "RefereeAudit", "RefereeBundle", "RefereeReport", "RefereeCrypto", "RefereeData"]),
        .executableTarget(
            name: "referee",
            dependencies: [
                "RefereeCore", "RefereeLogs", "RefereeData", "RefereeTrace", "RefereeAudit", "RefereeCrypto",
                "RefereeBundle", "RefereeReport", "RefereeRunner", "RefereeProbe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Paths of fixtures and shared samples for the test targets.
        .target(name: "RefereeTestSupport", path: "Sources/RefereeTestSupport"),
        .testTarget(name: "RefereeCoreTests", dependencies: ["RefereeCore", "RefereeTestSupport"]),
        .testTarget(name: "RefereeLogsTests", dependencies: ["RefereeLogs", "RefereeCore", "RefereeTestSupport"]),
        .testTarget(name: "RefereeDataTests", dependencies: ["RefereeData", "RefereeCore", "RefereeTestSupport"]),
        .testTarget(name: "RefereeTraceTests", dependencies: ["RefereeTrace", "RefereeTestSupport"]),
        .testTarget(name: "RefereeAuditTests", dependencies: ["RefereeAudit", "RefereeReport", "RefereeTestSupport"]),
        .testTarget(name: "RefereeCryptoTests", dependencies: ["RefereeCrypto", "RefereeTestSupport"]),
        .testTarget(name: "RefereeBundleTests", dependencies: ["RefereeBundle", "RefereeTestSupport"]),
        .testTarget(name: "RefereeProbeTests", dependencies: ["RefereeProbe", "RefereeTrace", "RefereeAudit", "RefereeLogs", "RefereeCore", "RefereeCrypto", "RefereeTestSupport"]),
        .testTarget(name: "RefereeReportTests", dependencies: ["RefereeReport", "RefereeTestSupport"]),
        .testTarget(name: "RefereeRunnerTests", dependencies: ["RefereeRunner", "RefereeSandbox", "RefereeTestSupport"]),
        .testTarget(name: "RefereeSandboxTests", dependencies: ["RefereeSandbox", "RefereeTestSupport"]),
        // Hostile input: a regression test per defect of issue 13 and seeded fuzzing of every parser.
        .testTarget(name: "RefereeHostileTests", dependencies: [
            "RefereeCore", "RefereeLogs", "RefereeData", "RefereeTrace", "RefereeAudit", "RefereeCrypto",
            "RefereeBundle", "RefereeTestSupport",
        ]),
    ],
    swiftLanguageModes: [.v6]
)

// Swift 6 house style: existential types spelled `any`, and only explicitly imported modules'
// members visible (the upcoming-feature flags of the model codebases).
for target in package.targets where target.type != .system && target.name != "CRefereeShims" {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
