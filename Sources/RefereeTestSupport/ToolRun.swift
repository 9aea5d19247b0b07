import Foundation

/// Runs a real command-line tool (openssl, sha256sum, python3) for interop tests.
package struct ToolRun: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String

    /// Runs `arguments` through `/usr/bin/env`, waiting for it to exit.
    package static func run(_ arguments: [String], stdin: Data? = nil) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

