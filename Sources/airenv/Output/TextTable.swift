import AirenvText
import ArgumentParser
import Foundation

/// A plain-text table with left-aligned columns, measured in terminal cells.
struct TextTable {
  var header: [String]
  var rows: [[String]] = []

  init(_ header: String...) { self.header = header }
  init(header: [String]) { self.header = header }

  mutating func add(_ row: [String]) { rows.append(row.map { TerminalText.escaped($0) }) }

  /// The table fitted to the terminal (`Console.width`).
  var rendered: String { rendered(width: Console.width) }

  /// The table within `width` columns when one is given: the last column (the free text: a
  /// summary, a description) is shortened to what the others leave, never below 12 columns.
  func rendered(width: Int?) -> String {
    let all = [header] + rows
    let widths = columnWidths
    let lastLimit = width.map { max(12, $0 - widths.dropLast().reduce(0) { $0 + $1 + 2 }) }
    var text = ""
    for row in all {
      var line = ""
      for (index, cell) in row.enumerated() {
        if index == row.count - 1, let lastLimit, Self.width(of: cell) > lastLimit {
          line += CellWidth.clip(cell, to: lastLimit)
        } else {
          line += cell
        }
        if index < row.count - 1 {
          line += String(repeating: " ", count: widths[index] - Self.width(of: cell) + 2)
        }
      }
      text += line + "\n"
    }
    return text
  }

  /// Each column's width: its widest cell, header included.
  var columnWidths: [Int] {
    var widths = [Int](repeating: 0, count: header.count)
    for row in [header] + rows {
      for (index, cell) in row.enumerated() where index < widths.count {
        widths[index] = max(widths[index], Self.width(of: cell))
      }
    }
    return widths
  }

  static func width(of text: String) -> Int { CellWidth.of(text) }

  /// Shortens a cell to `limit` columns with an ellipsis; control characters (a newline too)
  /// are shown as their escapes, so a cell is always one line of printable text.
  static func clip(_ text: String, _ limit: Int = 48) -> String {
    CellWidth.clip(TerminalText.escaped(text), to: limit)
  }
}
