import AirenvApp
import AirenvFormats
import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser
import Foundation

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

  /// The width tables are fitted to: $COLUMNS, else the terminal's; nil for a pipe, which gets
  /// whole rows.
  static var width: Int? {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
      return columns
    }
    var size = winsize()
    guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// Asks a yes/no question on the terminal; anything but y/yes is no.
  static func confirm(_ question: String) -> Bool {
    FileHandle.standardError.write(Data("\(TerminalText.escaped(question)) [y/N] ".utf8))
    guard let answer = readLine() else { return false }
    return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
  }
}
