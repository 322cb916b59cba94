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
    case .table: Swift.print(table(), terminator: "")
    case .json: Swift.print(json(value))
    case .yaml:
      let encoder = YAMLEncoder()
      encoder.options.sortKeys = true
      Swift.print(try encoder.encode(value), terminator: "")
    }
  }

  static func json(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
  }
}

/// A plain-text table with left-aligned columns, measured in terminal cells.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }
  init(header: [String]) { self.header = header }

  mutating func add(_ row: [String]) { rows.append(row) }

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

  static func width(of text: String) -> Int {
    text.unicodeScalars.reduce(0) { total, scalar in
      let value = scalar.value
      if scalar.properties.generalCategory == .nonspacingMark || value == 0x200D { return total }
      let wide =
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value)
        || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
        || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
        || (0x1F300...0x1FAFF).contains(value) || (0x20000...0x3FFFD).contains(value)
      return total + (wide ? 2 : 1)
    }
  }

  /// Shortens a cell to `limit` cells with an ellipsis, newlines shown as ⏎.
  static func clip(_ text: String, _ limit: Int = 48) -> String {
    let flat = text.replacingOccurrences(of: "\n", with: "⏎")
    return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
  }
}
