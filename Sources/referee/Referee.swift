import ArgumentParser
import Foundation

/// The `referee` command. Exit codes: 0 all rules pass, 1 a rule failed, 2 bad input or usage.
@main
struct Referee: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referee",
        abstract: "The rules official for Parameter Golf: run, audit, sign and verify submissions.",
        version: RefereeVersion.string,
        subcommands: [
            AuditCommand.self,
            DataCommand.self,
            KeygenCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            ProbeCommand.self,
            RunCommand.self,
            SubmissionCommand.self,
            GateCommand.self,
            ReportCommand.self,
        ]
    )

    /// Parses and runs, mapping every error that is not a rule failure to exit code 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data(("referee: " + message + "\n").utf8))
            Foundation.exit(ExitCode.badInput.rawValue)
        }
    }
}

extension ExitCode {
    /// A rule failed.
    static let ruleFailed = ExitCode(1)
    /// Bad input or usage.
    static let badInput = ExitCode(2)
}
