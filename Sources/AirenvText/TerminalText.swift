/// Text that reaches a terminal: whatever the data holds (a teammate's hand edit, an imported
/// file, a value typed by anyone) is shown, never obeyed. A control character in a value could
/// otherwise set the window title, write the clipboard (OSC 52), clear the screen or move the
/// cursor over earlier output.
public enum TerminalText {
  /// C0, DEL and C1 controls (8-bit CSI included), and the invisible characters that reorder
  /// or break lines on a terminal: bidirectional marks, overrides and isolates, and the line
  /// and paragraph separators.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// `text` with every control character written as an escape a person can read: `\n`, `\r`,
  /// `\t`, `\x1B` up to DEL, `\u009B` above. With `keepingNewlines`, a line feed stays a line
  /// break (for output made of lines, such as a table or a list of errors).
  public static func escaped(_ text: String, keepingNewlines: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && !(keepingNewlines && $0 == "\n") }) else {
      return text
    }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      guard isControl(scalar) else {
        result.unicodeScalars.append(scalar)
        continue
      }
      switch scalar {
      case "\n": result += keepingNewlines ? "\n" : "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        result +=
          scalar.value <= 0x7F
          ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
          : "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      }
    }
    return result
  }

  /// JSON text with the controls that JSON allows raw inside strings (DEL, C1, bidirectional
  /// controls, separators) written as `\u` escapes; C0 controls JSON itself escapes. The JSON
  /// means the same, and a terminal that shows it obeys none of them.
  public static func escapedInJSON(_ json: String) -> String {
    // Every such control is DEL or beyond ASCII: text below DEL (nearly all of a listing) is
    // passed by a byte scan, not decoded scalar by scalar.
    if json.utf8.allSatisfy({ $0 < 0x7F }) { return json }
    guard json.unicodeScalars.contains(where: { $0.value >= 0x7F && isControl($0) }) else { return json }
    var result = ""
    result.reserveCapacity(json.utf8.count + 16)
    for scalar in json.unicodeScalars {
      if scalar.value >= 0x7F && isControl(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// `escapedInJSON` of UTF-8 JSON text. Text without a byte from DEL up (a listing of
  /// megabytes, nearly always) is recognised eight bytes at a time and returned as it is.
  public static func escapedInJSON(utf8 json: [UInt8]) -> [UInt8] {
    if !holdsByteFromDEL(json) { return json }
    return Array(escapedInJSON(String(decoding: json, as: UTF8.self)).utf8)
  }

  private static func holdsByteFromDEL(_ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
      let count = raw.count
      var offset = 0
      // A byte is from DEL up when it has its high bit set or, below 0x80, is 0x7F: adding 1
      // to each byte's low seven bits carries into the high bit exactly then.
      let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      let high: UInt64 = 0x8080_8080_8080_8080
      while offset + 8 <= count {
        let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        if (word | ((word & low) &+ 0x0101_0101_0101_0101)) & high != 0 { return true }
        offset += 8
      }
      while offset < count {
        if raw[offset] >= 0x7F { return true }
        offset += 1
      }
      return false
    }
  }

  /// Whether `text` holds anything `escaped` would change.
  public static func needsEscaping(_ text: String) -> Bool {
    text.unicodeScalars.contains(where: isControl)
  }
}
