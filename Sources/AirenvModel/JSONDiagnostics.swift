/// Finds where JSON text goes wrong, for error messages that name a line and column.
/// Used after a decode failed, and on imported files; it favours clarity over speed.
public enum JSONDiagnostics {
  public struct Location: Equatable, Sendable {
    public var line: Int
    public var column: Int
  }

  public struct SyntaxProblem: Error, Equatable, Sendable {
    public var location: Location
    public var reason: String
  }

  /// The first syntax error in `bytes` (duplicate member names included), or nil when they
  /// are valid JSON.
  public static func syntaxProblem(in bytes: [UInt8]) -> SyntaxProblem? {
    var scanner = Scanner(bytes: bytes)
    do throws(SyntaxProblem) {
      scanner.skipWhitespace()
      _ = try scanner.value(path: [], target: nil)
      scanner.skipWhitespace()
      if !scanner.atEnd { throw scanner.problem("unexpected text after the JSON value") }
      return nil
    } catch {
      return error
    }
  }

  /// Where the value at `path` (keys and array indices) starts, if it exists.
  public static func location(of path: [String], in bytes: [UInt8]) -> Location? {
    var scanner = Scanner(bytes: bytes)
    scanner.skipWhitespace()
    do {
      _ = try scanner.value(path: [], target: path)
    } catch {
      return nil
    }
    return scanner.found
  }

  /// The line of each member of the top-level object, in one pass (import files name the line
  /// of every entry; looking each up with `location(of:)` would read the file once per entry).
  public static func topLevelMemberLines(in bytes: [UInt8]) -> [String: Int] {
    var scanner = Scanner(bytes: bytes)
    scanner.recordsTopLevelMembers = true
    scanner.skipWhitespace()
    _ = try? scanner.value(path: [], target: nil)
    return scanner.topLevelMembers
  }

  private struct Scanner {
    let bytes: [UInt8]
    var offset = 0
    var recordsTopLevelMembers = false
    var topLevelMembers: [String: Int] = [:]
    var line = 1
    var lineStart = 0
    var found: Location?
    var depth = 0
    /// A document nested deeper is refused here rather than recursed into until the stack
    /// runs out; JSONDecoder refuses such documents too.
    static let maximumDepth = 512

    init(bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset >= bytes.count }
    var location: Location { Location(line: line, column: offset - lineStart + 1) }

    func problem(_ reason: String) -> SyntaxProblem {
      SyntaxProblem(location: location, reason: reason)
    }

    mutating func advance() {
      if bytes[offset] == UInt8(ascii: "\n") {
        line += 1
        lineStart = offset + 1
      }
      offset += 1
    }

    mutating func skipWhitespace() {
      while !atEnd, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { advance() }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(SyntaxProblem) {
      guard !atEnd else { throw problem("the file ends where \(what) was expected") }
      guard bytes[offset] == byte else { throw problem("expected \(what)") }
      advance()
    }

    mutating func value(path: [String], target: [String]?) throws(SyntaxProblem) -> Bool {
      if let target, target == path, found == nil { found = location }
      guard !atEnd else { throw problem("the file ends where a value was expected") }
      switch bytes[offset] {
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        guard depth < Self.maximumDepth else {
          throw problem("objects and arrays are nested more than \(Self.maximumDepth) levels deep")
        }
        depth += 1
        defer { depth -= 1 }
        if bytes[offset] == UInt8(ascii: "{") {
          try object(path: path, target: target)
        } else {
          try array(path: path, target: target)
        }
      case UInt8(ascii: "\""): _ = try string()
      case UInt8(ascii: "t"): try literal("true")
      case UInt8(ascii: "f"): try literal("false")
      case UInt8(ascii: "n"): try literal("null")
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
      default: throw problem("unexpected character where a value was expected")
      }
      return true
    }

    mutating func object(path: [String], target: [String]?) throws(SyntaxProblem) {
      advance()
      skipWhitespace()
      var keys = Set<String>()
      if !atEnd && bytes[offset] == UInt8(ascii: "}") { advance(); return }
      while true {
        skipWhitespace()
        let keyLocation = location
        guard !atEnd, bytes[offset] == UInt8(ascii: "\"") else {
          throw problem("expected a quoted member name")
        }
        let key = try string()
        if recordsTopLevelMembers && depth == 1 { topLevelMembers[key] = keyLocation.line }
        if !keys.insert(key).inserted {
          throw SyntaxProblem(location: keyLocation, reason: "the member \"\(key)\" appears twice")
        }
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "\":\"")
        skipWhitespace()
        // Paths are built only when a member is looked for: checking a file needs none.
        _ = try value(path: target == nil ? path : path + [key], target: target)
        skipWhitespace()
        guard !atEnd else { throw problem("the file ends inside an object (missing \"}\")") }
        if bytes[offset] == UInt8(ascii: ",") { advance(); continue }
        try expect(UInt8(ascii: "}"), "\",\" or \"}\"")
        return
      }
    }

    mutating func array(path: [String], target: [String]?) throws(SyntaxProblem) {
      advance()
      skipWhitespace()
      if !atEnd && bytes[offset] == UInt8(ascii: "]") { advance(); return }
      var index = 0
      while true {
        skipWhitespace()
        _ = try value(path: target == nil ? path : path + [String(index)], target: target)
        index += 1
        skipWhitespace()
        guard !atEnd else { throw problem("the file ends inside an array (missing \"]\")") }
        if bytes[offset] == UInt8(ascii: ",") { advance(); continue }
        try expect(UInt8(ascii: "]"), "\",\" or \"]\"")
        return
      }
    }

    /// A string's value, escapes decoded (so that `"k\u0065y"` is the member `key`), its bytes
    /// valid UTF-8 and its `\u` escapes paired where they are surrogates.
    mutating func string() throws(SyntaxProblem) -> String {
      advance()
      var content: [UInt8] = []
      while !atEnd {
        let byte = bytes[offset]
        if byte == UInt8(ascii: "\"") {
          advance()
          return String(decoding: content, as: UTF8.self)
        }
        if byte < 0x20 { throw problem("a control character inside a string") }
        if byte == UInt8(ascii: "\\") {
          advance()
          guard !atEnd else { break }
          let escaped = bytes[offset]
          switch escaped {
          case UInt8(ascii: "u"):
            let start = location
            var scalar = try hexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
              guard offset + 2 < bytes.count, bytes[offset + 1] == UInt8(ascii: "\\"),
                bytes[offset + 2] == UInt8(ascii: "u")
              else { throw SyntaxProblem(location: start, reason: "an unpaired surrogate escape") }
              advance()
              advance()
              let low = try hexQuad()
              guard (0xDC00...0xDFFF).contains(low) else {
                throw SyntaxProblem(location: start, reason: "an unpaired surrogate escape")
              }
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
              throw SyntaxProblem(location: start, reason: "an unpaired surrogate escape")
            }
            content.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
          default:
            guard let byte = JSONEscape.byte(for: escaped) else { throw problem("an invalid escape") }
            content.append(byte)
          }
          advance()
          continue
        }
        if byte >= 0x80 {
          // One UTF-8 sequence, checked whole.
          let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0
          guard length > 0, offset + length <= bytes.count,
            String(validating: bytes[offset..<(offset + length)], as: UTF8.self) != nil
          else { throw problem("bytes that are not UTF-8 text") }
          content.append(contentsOf: bytes[offset..<(offset + length)])
          for _ in 0..<length { advance() }
          continue
        }
        content.append(byte)
        advance()
      }
      throw problem("the file ends inside a string (missing closing quote)")
    }

    /// The four hexadecimal digits after `\u`; leaves the offset on the last digit.
    mutating func hexQuad() throws(SyntaxProblem) -> UInt32 {
      var value: UInt32 = 0
      for _ in 0..<4 {
        advance()
        guard !atEnd, let digit = bytes[offset].hexValue else { throw problem("an invalid \\u escape") }
        value = value << 4 | UInt32(digit)
      }
      return value
    }

    mutating func literal(_ word: String) throws(SyntaxProblem) {
      for byte in word.utf8 {
        guard !atEnd, bytes[offset] == byte else { throw problem("expected \(word)") }
        advance()
      }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as RFC 8259 (and Python) read it.
    mutating func number() throws(SyntaxProblem) {
      let start = location
      let startOffset = offset
      func digits() -> Int {
        var count = 0
        while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
          advance()
          count += 1
        }
        return count
      }
      func refuse() -> SyntaxProblem { SyntaxProblem(location: start, reason: "not a JSON number") }
      if bytes[offset] == UInt8(ascii: "-") { advance() }
      guard !atEnd else { throw refuse() }
      if bytes[offset] == UInt8(ascii: "0") {
        advance()
        if !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
          throw SyntaxProblem(location: start, reason: "a number with a leading zero")
        }
      } else if digits() == 0 {
        throw refuse()
      }
      if !atEnd, bytes[offset] == UInt8(ascii: ".") {
        advance()
        if digits() == 0 { throw refuse() }
      }
      if !atEnd, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
        advance()
        if !atEnd, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { advance() }
        if digits() == 0 { throw refuse() }
      }
      try checkRange(bytes[startOffset..<offset], at: start)
    }

    /// Python reads any whole number exactly and `1e400` as infinity; airenv holds whole numbers
    /// in 64 bits and only finite numbers (JSON has no infinity), so it refuses rather than
    /// store a different value.
    func checkRange(_ literal: ArraySlice<UInt8>, at start: Location) throws(SyntaxProblem) {
      let text = String(decoding: literal, as: UTF8.self)
      let integral = !literal.contains {
        [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0)
      }
      if integral, Int64(text) == nil {
        throw SyntaxProblem(
          location: start,
          reason: "the whole number \(text.prefix(40)) is beyond what airenv holds (±9223372036854775807); "
            + "quote it to keep it as text")
      }
      if !integral, !(Double(text)?.isFinite ?? false) {
        throw SyntaxProblem(
          location: start,
          reason: "the number \(text.prefix(40)) is out of range; quote it to keep it as text")
      }
    }
  }
}

extension UInt8 {
  /// The value of a hexadecimal digit.
  fileprivate var hexValue: UInt8? {
    switch self {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
