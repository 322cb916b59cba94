import Foundation

/// Reads dotenv files as python-dotenv does: comments, `export `, unquoted values with
/// trailing `# comments`, single quotes (`\\` and `\'` escapes) and double quotes (C escapes),
/// quoted values spanning lines.
enum Dotenv {
  struct Entry: Equatable {
    var key: String
    var value: String
    var line: Int
  }

  /// The entries, and every problem found (an entry with a problem is left out).
  static func parse(_ text: String, file: String) -> ([Entry], [ImportProblem]) {
    var entries: [Entry] = []
    var problems: [ImportProblem] = []
    let characters = Array(text.replacingOccurrences(of: "\r\n", with: "\n"))
    var index = 0
    var line = 1

    func skip(while predicate: (Character) -> Bool) {
      while index < characters.count && predicate(characters[index]) {
        if characters[index] == "\n" { line += 1 }
        index += 1
      }
    }
    func restOfLine() -> String {
      var text = ""
      while index < characters.count && characters[index] != "\n" {
        text.append(characters[index])
        index += 1
      }
      return text
    }

    while index < characters.count {
      skip { $0 == " " || $0 == "\t" || $0 == "\n" }
      guard index < characters.count else { break }
      let start = line
      if characters[index] == "#" {
        _ = restOfLine()
        continue
      }
      var head = ""
      while index < characters.count && characters[index] != "=" && characters[index] != "\n" {
        head.append(characters[index])
        index += 1
      }
      guard index < characters.count, characters[index] == "=" else {
        problems.append(ImportProblem(file: file, line: start, reason: "expected KEY=VALUE"))
        continue
      }
      index += 1
      var key = head.trimmingCharacters(in: .whitespaces)
      if key.hasPrefix("export ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
      guard !key.isEmpty else {
        problems.append(ImportProblem(file: file, line: start, reason: "a line with no name before \"=\""))
        _ = restOfLine()
        continue
      }
      skip { $0 == " " || $0 == "\t" }
      var value = ""
      if index < characters.count, characters[index] == "'" || characters[index] == "\"" {
        let quote = characters[index]
        index += 1
        var closed = false
        while index < characters.count {
          let character = characters[index]
          if character == "\\" && index + 1 < characters.count {
            let next = characters[index + 1]
            if quote == "'" {
              if next == "\\" || next == "'" {
                value.append(next)
                index += 2
                continue
              }
            } else if let escaped = doubleQuoteEscapes[next] {
              value.append(escaped)
              index += 2
              continue
            }
          }
          if character == quote {
            closed = true
            index += 1
            break
          }
          if character == "\n" { line += 1 }
          value.append(character)
          index += 1
        }
        guard closed else {
          problems.append(
            ImportProblem(file: file, line: start, reason: "the value of \(key) has no closing \(quote)"))
          break
        }
        let trailing = restOfLine().trimmingCharacters(in: .whitespaces)
        if !trailing.isEmpty && !trailing.hasPrefix("#") {
          problems.append(
            ImportProblem(file: file, line: start, reason: "unexpected text after the quoted value of \(key)")
          )
        }
      } else {
        let raw = restOfLine()
        var cut = raw.endIndex
        var previous: Character = " "
        for position in raw.indices {
          if raw[position] == "#" && (previous == " " || previous == "\t") {
            cut = position
            break
          }
          previous = raw[position]
        }
        value = String(raw[..<cut]).trimmingCharacters(in: .whitespaces)
      }
      entries.append(Entry(key: key, value: value, line: start))
    }
    var seen: [String: Int] = [:]
    for entry in entries {
      if let first = seen[entry.key] {
        problems.append(
          ImportProblem(
            file: file, line: entry.line, reason: "\(entry.key) is set again (first on line \(first))"))
      } else {
        seen[entry.key] = entry.line
      }
    }
    return (entries, problems)
  }

  static let doubleQuoteEscapes: [Character: Character] = [
    "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r",
    "t": "\t", "v": "\u{0B}",
  ]
}
