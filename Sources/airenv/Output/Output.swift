import AirenvModel
import AirenvText
import ArgumentParser
import Foundation
import Yams

enum Output {
  /// Prints a value as JSON or YAML, or `table()` for the table format.
  static func print<Value: Encodable>(_ value: Value, as format: OutputFormat, table: () -> String) throws {
    switch format {
    case .table: Console.out(table(), terminator: "")
    case .json:
      guard let shaped = value as? any JSONShaped else { return Swift.print(json(value)) }
      // Written as it is made: `resolve` of 10,000 objects is megabytes of text.
      fflush(nil)
      var text = PrettyJSONText { writeToStandardOutput(TerminalText.escapedInJSON(utf8: $0)) }
      shaped.writeJSON(to: &text)
      text.finish()
      Swift.print("")
    case .yaml:
      let encoder = YAMLEncoder()
      encoder.options.sortKeys = true
      // libyaml writes C0, DEL and C1 controls as escapes in double-quoted scalars itself.
      Swift.print(try encoder.encode(value), terminator: "")
    }
  }

  /// Bytes straight to file descriptor 1 (what `print` buffered before is flushed first):
  /// megabytes of JSON are not turned into a `String` to be printed.
  private static func writeToStandardOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { raw in
      var written = 0
      while written < raw.count {
        let count = write(1, raw.baseAddress! + written, raw.count - written)
        if count < 0 && errno == EINTR { continue }
        // A closed pipe or a full disk: what was not written cannot be, as `print` cannot.
        if count <= 0 { return }
        written += count
      }
    }
  }

  /// JSON for scripts; a control character that JSONEncoder leaves raw (DEL, C1 such as the
  /// 8-bit CSI, bidirectional overrides) is written as a `\u` escape, so printing it to a
  /// terminal is safe too.
  static func json(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    // Views hold only bounded, checked values; were encoding to fail, the message must not
    // carry the value, which may hold a secret.
    guard let data = try? encoder.encode(value) else {
      fatalError("cannot encode \(type(of: value)) as JSON")
    }
    return TerminalText.escapedInJSON(String(decoding: data, as: UTF8.self))
  }
}
