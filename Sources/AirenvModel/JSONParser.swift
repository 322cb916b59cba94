/// Parses JSON text into a `JSONValue` as strictly as RFC 8259 and Python's `json.loads` (which
/// Airflow uses) read it — no trailing comma, no leading zero, no lone surrogate — and refuses a
/// duplicate member too. Written by hand: `JSONDecoder` into an enum tried every type in turn
/// for every value, the largest cost of importing a big export. On a refusal, `JSONDiagnostics`
/// finds the line, column and reason.
struct JSONParser {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var offset = 0
  private var depth = 0
  private static let maximumDepth = 512

  private struct Refused: Error {}

  static func parse(_ text: String) -> JSONValue? {
    var text = text
    return text.withUTF8 { buffer in
      var parser = JSONParser(bytes: buffer)
      guard let value = try? parser.value() else { return nil }
      parser.skipWhitespace()
      return parser.offset == buffer.count ? value : nil
    }
  }

  private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

  private mutating func skipWhitespace() {
    while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
  }

  private mutating func expect(_ byte: UInt8) throws(Refused) {
    guard current == byte else { throw Refused() }
    offset += 1
  }

  private mutating func value() throws(Refused) -> JSONValue {
    skipWhitespace()
    guard let byte = current else { throw Refused() }
    switch byte {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < Self.maximumDepth else { throw Refused() }
      depth += 1
      defer { depth -= 1 }
      return byte == UInt8(ascii: "{") ? try object() : try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return try number()
    }
  }

  private mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Refused) -> JSONValue {
    let count = word.utf8CodeUnitCount
    guard offset + count <= bytes.count else { throw Refused() }
    for index in 0..<count where bytes[offset + index] != word.utf8Start[index] { throw Refused() }
    offset += count
    return value
  }

  private mutating func object() throws(Refused) -> JSONValue {
    offset += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if current == UInt8(ascii: "}") {
      offset += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard current == UInt8(ascii: "\"") else { throw Refused() }
      let key = try string()
      skipWhitespace()
      try expect(UInt8(ascii: ":"))
      let member = try value()
      guard members.updateValue(member, forKey: key) == nil else { throw Refused() }
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        offset += 1
        continue
      }
      try expect(UInt8(ascii: "}"))
      return .object(members)
    }
  }

  private mutating func array() throws(Refused) -> JSONValue {
    offset += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if current == UInt8(ascii: "]") {
      offset += 1
      return .array(items)
    }
    while true {
      items.append(try value())
      skipWhitespace()
      if current == UInt8(ascii: ",") {
        offset += 1
        continue
      }
      try expect(UInt8(ascii: "]"))
      return .array(items)
    }
  }

  private mutating func string() throws(Refused) -> String {
    offset += 1
    let start = offset
    // Most strings have no escape: they are taken whole.
    while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
      guard byte >= 0x20 else { throw Refused() }
      offset += 1
    }
    guard let stop = current else { throw Refused() }
    if stop == UInt8(ascii: "\"") {
      offset += 1
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(offset - 1)]), as: UTF8.self)
    }
    var text = Array(bytes[start..<offset])
    while let byte = current {
      offset += 1
      switch byte {
      case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard let escaped = current else { throw Refused() }
        offset += 1
        switch escaped {
        case UInt8(ascii: "u"):
          var scalar = try hexQuad()
          if (0xD800...0xDBFF).contains(scalar) {
            // A high surrogate must be followed by a low one.
            guard current == UInt8(ascii: "\\") else { throw Refused() }
            offset += 1
            guard current == UInt8(ascii: "u") else { throw Refused() }
            offset += 1
            let low = try hexQuad()
            guard (0xDC00...0xDFFF).contains(low) else { throw Refused() }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let decoded = Unicode.Scalar(scalar) else { throw Refused() }
          text.append(contentsOf: UTF8.encode(decoded)!)
        default:
          guard let byte = JSONEscape.byte(for: escaped) else { throw Refused() }
          text.append(byte)
        }
      default:
        guard byte >= 0x20 else { throw Refused() }
        text.append(byte)
      }
    }
    throw Refused()
  }

  private mutating func hexQuad() throws(Refused) -> UInt32 {
    guard offset + 4 <= bytes.count else { throw Refused() }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[offset]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw Refused()
      }
      value = value << 4 | UInt32(digit)
      offset += 1
    }
    return value
  }

  /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`: an integer that fits 64 bits is
  /// an integer (ids beyond 2^53 survive), anything else a double.
  private mutating func number() throws(Refused) -> JSONValue {
    let start = offset
    func isDigit(_ byte: UInt8?) -> Bool { byte.map { (0x30...0x39).contains($0) } ?? false }
    if current == UInt8(ascii: "-") { offset += 1 }
    guard isDigit(current) else { throw Refused() }
    if current == UInt8(ascii: "0") {
      offset += 1
      if isDigit(current) { throw Refused() }
    } else {
      while isDigit(current) { offset += 1 }
    }
    var integral = true
    if current == UInt8(ascii: ".") {
      integral = false
      offset += 1
      guard isDigit(current) else { throw Refused() }
      while isDigit(current) { offset += 1 }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      integral = false
      offset += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
      guard isDigit(current) else { throw Refused() }
      while isDigit(current) { offset += 1 }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
    if integral, let integer = Int64(text) { return .integer(integer) }
    guard let double = Double(text), double.isFinite else { throw Refused() }
    return .double(double)
  }
}
