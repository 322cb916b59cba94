import AirenvModel

/// Reads dotenv files as python-dotenv does: comments, `export `, unquoted values with
/// trailing `# comments`, single quotes (`\\` and `\'` escapes) and double quotes (C escapes),
/// quoted values spanning lines.
///
/// It reads UTF-8 bytes, not characters: every byte with a meaning here is ASCII, and a file of
/// tens of megabytes is then read in one linear pass without a character array.
enum Dotenv {
  struct Entry: Equatable {
    var key: String
    var value: String
    var line: Int
  }

  /// The entries, and every problem found (an entry with a problem is left out).
  static func parse(_ text: String, file: String) -> ([Entry], [ImportProblem]) {
    var reader = Reader(bytes: Array(text.utf8), file: file)
    reader.parse()
    var seen: [String: Int] = [:]
    for entry in reader.entries {
      if let first = seen[entry.key] {
        reader.problems.append(
          ImportProblem(
            file: file, line: entry.line, reason: "\(entry.key) is set again (first on line \(first))"))
      } else {
        seen[entry.key] = entry.line
      }
    }
    return (reader.entries, reader.problems)
  }

  static let doubleQuoteEscapes: [UInt8: UInt8] = [
    UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "'"): UInt8(ascii: "'"),
    UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08,
    UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    UInt8(ascii: "v"): 0x0B,
  ]

  private struct Reader {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var entries: [Entry] = []
    var problems: [ImportProblem] = []

    init(bytes: [UInt8], file: String) {
      // python-dotenv opens the file with Python's universal newlines: CRLF and a lone CR both
      // end a line, inside quotes too.
      var normalized: [UInt8] = []
      normalized.reserveCapacity(bytes.count)
      for (offset, byte) in bytes.enumerated() {
        if byte == 0x0D {
          if offset + 1 < bytes.count && bytes[offset + 1] == 0x0A { continue }
          normalized.append(0x0A)
        } else {
          normalized.append(byte)
        }
      }
      self.bytes = normalized
      self.file = file
    }

    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")

    var atEnd: Bool { index >= bytes.count }

    mutating func skip(while predicate: (UInt8) -> Bool) {
      while !atEnd && predicate(bytes[index]) {
        if bytes[index] == Self.newline { line += 1 }
        index += 1
      }
    }

    mutating func restOfLine() -> ArraySlice<UInt8> {
      let start = index
      while !atEnd && bytes[index] != Self.newline { index += 1 }
      return bytes[start..<index]
    }

    static func trimmed(_ slice: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
      var slice = slice
      while let first = slice.first, first == space || first == tab { slice.removeFirst() }
      while let last = slice.last, last == space || last == tab { slice.removeLast() }
      return slice
    }

    static func text(_ bytes: some Collection<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    mutating func parse() {
      while !atEnd {
        skip { $0 == Self.space || $0 == Self.tab || $0 == Self.newline }
        guard !atEnd else { break }
        let start = line
        if bytes[index] == UInt8(ascii: "#") {
          _ = restOfLine()
          continue
        }
        let headStart = index
        while !atEnd && bytes[index] != UInt8(ascii: "=") && bytes[index] != Self.newline { index += 1 }
        let head = bytes[headStart..<index]
        guard !atEnd, bytes[index] == UInt8(ascii: "=") else {
          problems.append(ImportProblem(file: file, line: start, reason: "expected KEY=VALUE"))
          continue
        }
        index += 1
        var key = Self.trimmed(head)
        if key.starts(with: "export ".utf8) { key = Self.trimmed(key.dropFirst(7)) }
        guard !key.isEmpty else {
          problems.append(ImportProblem(file: file, line: start, reason: "a line with no name before \"=\""))
          _ = restOfLine()
          continue
        }
        let name = Self.text(key)
        skip { $0 == Self.space || $0 == Self.tab }
        guard let value = readValue(of: name, from: start) else { break }
        entries.append(Entry(key: name, value: value, line: start))
      }
    }

    /// The value after `=`; nil when a quoted value never closes (the rest is that value).
    mutating func readValue(of name: String, from start: Int) -> String? {
      guard !atEnd, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else {
        // Unquoted: up to the end of the line or a ` #` comment, trimmed.
        let raw = restOfLine()
        var cut = raw.endIndex
        var previous = Self.space
        for position in raw.indices {
          if raw[position] == UInt8(ascii: "#") && (previous == Self.space || previous == Self.tab) {
            cut = position
            break
          }
          previous = raw[position]
        }
        return Self.text(Self.trimmed(raw[raw.startIndex..<cut]))
      }
      let quote = bytes[index]
      index += 1
      var value: [UInt8] = []
      while !atEnd {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\\") && index + 1 < bytes.count {
          let next = bytes[index + 1]
          if quote == UInt8(ascii: "'") {
            if next == UInt8(ascii: "\\") || next == UInt8(ascii: "'") {
              value.append(next)
              index += 2
              continue
            }
          } else if let escaped = Dotenv.doubleQuoteEscapes[next] {
            value.append(escaped)
            index += 2
            continue
          }
        }
        if byte == quote {
          index += 1
          let trailing = Self.trimmed(restOfLine())
          if !trailing.isEmpty && trailing.first != UInt8(ascii: "#") {
            problems.append(
              ImportProblem(
                file: file, line: start, reason: "unexpected text after the quoted value of \(name)"))
          }
          return Self.text(value)
        }
        if byte == Self.newline { line += 1 }
        value.append(byte)
        index += 1
      }
      problems.append(
        ImportProblem(
          file: file, line: start,
          reason: "the value of \(name) has no closing \(Character(Unicode.Scalar(quote)))"))
      return nil
    }
  }
}
