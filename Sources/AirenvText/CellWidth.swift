/// How many terminal columns text takes, by the one rule that the layout, the screen buffer and
/// the terminal's diff all use: a grapheme cluster is as wide as the sum of its code points'
/// `wcwidth()` (glibc's table, which ncurses uses to place characters and tmux to draw them).
/// So `👍🏽` is 4 columns, a ZWJ family 6, `é` as `e` + U+0301 one, a flag 2.
///
/// What a terminal must never receive is replaced before it is measured (see `glyph(for:)`):
/// a control character is shown as its escape (`\x1B`), a code point the terminal's table does
/// not know as `�`, and a combining mark with nothing to combine with on a dotted circle.
public enum CellWidth {
  /// What to draw for one cluster and how many columns it takes.
  public struct Glyph: Equatable, Sendable {
    /// The character to draw, as it is or with its unmeasurable code points replaced.
    public var character: Character
    public var width: Int
    /// For control characters: their escape, drawn one ASCII character per cell instead.
    public var escape: String?

    public var isEscape: Bool { escape != nil }
    /// The text drawn (the escape, or the character).
    public var text: String { escape ?? String(character) }

    fileprivate static let replacement = Glyph(character: "\u{FFFD}", width: 1, escape: nil)
  }

  public static func glyph(for character: Character) -> Glyph {
    if let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F {
      return Glyph(character: character, width: 1, escape: nil)
    }
    let scalars = character.unicodeScalars
    // Most clusters are one code point (box drawing, the matrix glyphs, letters).
    if let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex,
      !TerminalText.isControl(first)
    {
      let size = width(of: first)
      if size > 0 { return Glyph(character: character, width: size, escape: nil) }
    }
    if scalars.contains(where: TerminalText.isControl) {
      let escape = TerminalText.escaped(String(character))
      return Glyph(character: character, width: escape.utf8.count, escape: escape)
    }
    var width = 0
    var text = ""
    var replaced = false
    for scalar in scalars {
      let size = self.width(of: scalar)
      if size < 0 {
        text.unicodeScalars.append("\u{FFFD}")
        width += 1
        replaced = true
      } else {
        text.unicodeScalars.append(scalar)
        width += size
      }
    }
    if width == 0, let first = scalars.first,
      first.properties.generalCategory == .nonspacingMark
        || first.properties.generalCategory == .enclosingMark
        || first.properties.generalCategory == .spacingMark
    {
      let placed = "\u{25CC}" + text
      return placed.count == 1 ? Glyph(character: Character(placed), width: 1, escape: nil) : .replacement
    }
    if replaced {
      return text.count == 1 ? Glyph(character: Character(text), width: width, escape: nil) : .replacement
    }
    return Glyph(character: character, width: width, escape: nil)
  }

  /// Columns of one cluster as drawn (see `glyph(for:)`).
  public static func of(_ character: Character) -> Int {
    if let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F { return 1 }
    return glyph(for: character).width
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

  /// `wcwidth()` of one code point: 0, 1 or 2, or -1 where the terminal's table knows no width.
  public static func width(of scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value >= 0x20 && value < 0x7F { return 1 }
    // The Basic Multilingual Plane (box drawing, the matrix glyphs, most scripts): one lookup.
    if value < 0x10000 { return Int(basicPlane[Int(value)]) }
    let ranges = Self.ranges
    // The last range starting at or before `value`.
    var low = 0
    var high = ranges.count
    while low < high {
      let middle = (low + high) / 2
      if ranges[middle].first <= value { low = middle + 1 } else { high = middle }
    }
    guard low > 0, value <= ranges[low - 1].last else { return 1 }
    return Int(ranges[low - 1].width)
  }

  private struct Range {
    var first: UInt32
    var last: UInt32
    var width: Int8
  }

  /// The width of every code point below U+10000, from `ranges` (64 KB, built on first use).
  private static let basicPlane: [Int8] = {
    var table = [Int8](repeating: 1, count: 0x10000)
    for range in ranges where range.first < 0x10000 {
      for value in range.first...min(range.last, 0xFFFF) { table[Int(value)] = range.width }
    }
    return table
  }()

  /// `table` parsed once: sorted, non-overlapping ranges of code points whose width is not 1.
  private static let ranges: [Range] = table.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { item in
    let parts = item.split(separator: ":")
    let bounds = parts[0].split(separator: "-").map { UInt32($0, radix: 16)! }
    let width: Int8 = parts[1] == "0" ? 0 : parts[1] == "2" ? 2 : -1
    return Range(first: bounds[0], last: bounds.last!, width: width)
  }
}
