import AirenvApp
import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A refusal raised by the CLI itself, with the exit code SPEC §5.1 gives it.
struct Failure: Error {
  var message: String
  var code: Int32

  static func usage(_ message: String) -> Failure { Failure(message: message, code: 2) }
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

/// Where human-readable text is written. Whatever it holds from the data (a value, a name, a
/// refused input echoed back) is shown, never obeyed: every control character but the line
/// breaks of the text itself is written as its escape.
enum Console {
  static func out(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalText.escaped(text, keepingNewlines: true), terminator: terminator)
  }

  static func error(_ text: String) {
    var line = TerminalText.escaped(text, keepingNewlines: true)
    if !line.hasSuffix("\n") { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
  }

  static var interactive: Bool { isatty(0) == 1 && isatty(2) == 1 }

  /// Asks a yes/no question on the terminal; anything but y/yes is no.
  static func confirm(_ question: String) -> Bool {
    FileHandle.standardError.write(Data("\(TerminalText.escaped(question)) [y/N] ".utf8))
    guard let answer = readLine() else { return false }
    return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
