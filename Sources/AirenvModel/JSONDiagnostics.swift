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
        if recordsTopLevelMembers && path.isEmpty && depth == 1 { topLevelMembers[key] = keyLocation.line }
        if !keys.insert(key).inserted {
          throw SyntaxProblem(location: keyLocation, reason: "the member \"\(key)\" appears twice")
        }
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "\":\"")
        skipWhitespace()
        _ = try value(path: path + [key], target: target)
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
        _ = try value(path: path + [String(index)], target: target)
        index += 1
        skipWhitespace()
        guard !atEnd else { throw problem("the file ends inside an array (missing \"]\")") }
        if bytes[offset] == UInt8(ascii: ",") { advance(); continue }
        try expect(UInt8(ascii: "]"), "\",\" or \"]\"")
        return
      }
    }

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
          guard "\"\\/bfnrtu".utf8.contains(bytes[offset]) else { throw problem("an invalid escape") }
        }
        content.append(bytes[offset])
        advance()
      }
      throw problem("the file ends inside a string (missing closing quote)")
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
    }
  }
}
