import AirenvApp
import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser
import Foundation

/// A refusal raised by the CLI itself, with the exit code SPEC §5.1 gives it.
struct Failure: Error {
  var message: String
  var code: Int32

  static let usageCode: Int32 = 2
  static func usage(_ message: String) -> Failure { Failure(message: message, code: usageCode) }
  static func validation(_ message: String) -> Failure { Failure(message: message, code: 3) }
  static func permission(_ message: String) -> Failure { Failure(message: message, code: 5) }

  /// Prints `airenv: error: …` to stderr and exits with the code the error calls for.
  static func exit(with error: any Error) -> Never {
    // A command that already said everything and only sets the exit code.
    if let code = error as? ExitCode { Glibc.exit(code.rawValue) }
    let (message, code) = describe(error)
    if code == 0 {
      Console.out(message)
    } else {
      Console.error(message)
    }
    Glibc.exit(code)
  }

  /// Prints the error as `exit(with:)` would, with `subject` before the first message, and
  /// returns its exit code and its words without the `airenv: ` prefixes: `--all` reports one
  /// Deployment's failure this way and goes on.
  static func report(_ error: any Error, about subject: String) -> (code: Int32, message: String) {
    // What is reported is a failure: never 0, which would read as success.
    if let code = error as? ExitCode {
      return (code.rawValue == 0 ? 1 : code.rawValue, "failed with exit status \(code.rawValue)")
    }
    let (message, code) = describe(error)
    let prefix = "airenv: error: "
    Console.error(
      message.hasPrefix(prefix) ? prefix + subject + ": " + message.dropFirst(prefix.count) : message)
    let words = message.split(separator: "\n").map { line in
      line.hasPrefix(prefix) ? line.dropFirst(prefix.count) : line.trimmingPrefix("airenv: ")
    }
    return (code == 0 ? 1 : code, words.joined(separator: " "))
  }

  private static func describe(_ error: any Error) -> (String, Int32) {
    if let failure = error as? Failure { return ("airenv: error: " + failure.message, failure.code) }
    if let message = UserMessage(error) {
      let lines =
        message.lines.map { "airenv: error: " + $0 }
        + [message.conclusion.map { "airenv: " + $0 }].compactMap { $0 }
      return (lines.joined(separator: "\n"), message.exitCode)
    }
    let code = Airenv.exitCode(for: error)
    let message = Airenv.fullMessage(for: error)
    if code == .success { return (message, 0) }
    let text = message.hasPrefix("Error: ") ? String(message.dropFirst("Error: ".count)) : message
    // ArgumentParser's usage errors exit 64; SPEC §5.1 gives usage exit code 2.
    return ("airenv: error: " + text, code == .validationFailure ? 2 : code.rawValue)
  }
}
