import AirenvText
import ArgumentParser
import Foundation
import Yams

/// How a listing is printed; json is stable for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
  case yaml
}

enum Output {
  /// Prints a value as JSON or YAML, or `table()` for the table format.
  static func print<Value: Encodable>(_ value: Value, as format: OutputFormat, table: () -> String) throws {
    switch format {
    case .table: Console.out(table(), terminator: "")
    case .json: Swift.print(json(value))
    case .yaml:
      let encoder = YAMLEncoder()
      encoder.options.sortKeys = true
      // libyaml writes C0, DEL and C1 controls as escapes in double-quoted scalars itself.
      Swift.print(try encoder.encode(value), terminator: "")
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

/// A plain-text table with left-aligned columns, measured in terminal cells.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }
  init(header: [String]) { self.header = header }

  mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escaped($0) }) }

  var rendered: String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], Self.width(of: cell))
      }
    }
    var text = ""
    for row in all {
      var line = ""
      for (index, cell) in row.enumerated() {
        line += cell
        if index < row.count - 1 {
          line += String(repeating: " ", count: widths[index] - Self.width(of: cell) + 2)
        }
      }
      text += line + "\n"
    }
    return text
  }

  static func width(of text: String) -> Int { CellWidth.of(text) }

  /// Shortens a cell to `limit` columns with an ellipsis; control characters (a newline too)
  /// are shown as their escapes, so a cell is always one line of printable text.
  static func clip(_ text: String, _ limit: Int = 48) -> String {
    CellWidth.clip(TerminalText.escaped(text), to: limit)
  }
}
