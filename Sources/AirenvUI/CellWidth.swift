/// How many terminal columns a character takes: 2 for East Asian wide and emoji, 0 for
/// combining marks, else 1 — the measure glibc's wcwidth and tmux agree on.
public enum CellWidth {
  public static func of(_ character: Character) -> Int {
    // Most cells are ASCII: no Unicode property lookups for them.
    if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
    guard let first = character.unicodeScalars.first else { return 0 }
    let value = first.value
    if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
    // Punctuation, arrows, box drawing and shapes (the matrix glyphs): one cell, no combining
    // marks in these ranges, so no Unicode property lookup.
    if (0x2010..<0x20D0).contains(value) || (0x2100..<0x2CEF).contains(value) { return 1 }
    if first.properties.generalCategory == .nonspacingMark
      || first.properties.generalCategory == .enclosingMark
    {
      return 0
    }
    let wide =
      (0x1100...0x115F).contains(value) || (0x2E80...0x303E).contains(value)
      || (0x3041...0x33FF).contains(value)
      || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
      || (0xA000...0xA4CF).contains(value)
      || (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value)
      || (0xFE30...0xFE4F).contains(value)
      || (0xFF00...0xFF60).contains(value) || (0xFFE0...0xFFE6).contains(value)
      || (0x1F300...0x1F64F).contains(value)
      || (0x1F900...0x1F9FF).contains(value) || (0x1F680...0x1F6FF).contains(value)
      || (0x20000...0x3FFFD).contains(value)
    return wide ? 2 : 1
  }

  public static func of(_ text: String) -> Int {
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
    return text.reduce(0) { $0 + of($1) }
  }

  /// The longest prefix of `text` that fits `width` columns, with `…` when it was cut.
  public static func clip(_ text: String, to width: Int, ellipsis: String = "…") -> String {
    guard width > 0 else { return "" }
    if of(text) <= width { return text }
    var result = ""
    var used = 0
    let room = width - of(ellipsis)
    for character in text {
      let size = of(character)
      if used + size > room { break }
      result.append(character)
      used += size
    }
    return result + ellipsis
  }

  /// `text` clipped or padded with spaces to exactly `width` columns.
  public static func fit(_ text: String, to width: Int) -> String {
    let clipped = clip(text, to: width)
    return clipped + String(repeating: " ", count: max(0, width - of(clipped)))
  }
}
