import AirenvText

/// One screen's content as a grid of cells, each with a semantic style. The view-model
/// draws into it; the terminal writes only the cells that differ from the last frame, and
/// tests read it as text.
public struct ScreenBuffer: Equatable, Sendable {
  public struct Cell: Equatable, Sendable {
    /// The grapheme shown, or nil for the second column of a wide character.
    public var character: Character?
    public var role: StyleRole
    public var bold: Bool

    public static let blank = Cell(character: " ", role: .text, bold: false)
  }

  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: .blank, count: self.width * self.height)
  }

  public subscript(x: Int, y: Int) -> Cell {
    cells[y * width + x]
  }

  /// Writes `text` at (x, y), clipped at `maxWidth` columns and the right edge; returns the
  /// column after the last one written.
  @discardableResult
  public mutating func put(
    _ text: String, x: Int, y: Int, role: StyleRole = .text, bold: Bool = false, maxWidth: Int? = nil
  ) -> Int {
    guard y >= 0, y < height else { return x }
    let limit = min(width, x + (maxWidth ?? width))
    var column = x
    // Printable ASCII is one cell per byte: no grapheme breaking or width lookups for it.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
      for byte in text.utf8 {
        if column + 1 > limit { break }
        if column >= 0 {
          cells[y * width + column] = Cell(character: Character(Unicode.Scalar(byte)), role: role, bold: bold)
        }
        column += 1
      }
      return column
    }
    for character in text {
      let glyph = CellWidth.glyph(for: character)
      if glyph.width == 0 { continue }
      if column + glyph.width > limit { break }
      if let escape = glyph.escape {
        // A control character is shown as its escape, one ASCII character per cell.
        for byte in escape.utf8 {
          if column >= 0 {
            cells[y * width + column] = Cell(
              character: Character(Unicode.Scalar(byte)), role: .warning, bold: bold)
          }
          column += 1
        }
        continue
      }
      if column >= 0 {
        cells[y * width + column] = Cell(character: glyph.character, role: role, bold: bold)
        for extra in 1..<max(1, glyph.width) {
          cells[y * width + column + extra] = Cell(character: nil, role: role, bold: bold)
        }
      }
      column += glyph.width
    }
    return column
  }

  /// For `--ascii` and terminals without UTF-8: every character outside ASCII becomes its
  /// ASCII look-alike, else `?` (a wide character's two cells become `??`), so nothing the
  /// terminal cannot show is sent, whether it came from airenv's own labels or from the data.
  public mutating func restrictToASCII() {
    for index in cells.indices {
      guard let character = cells[index].character else {
        cells[index].character = "?"
        continue
      }
      if character.isASCII { continue }
      cells[index].character = Self.asciiLookAlikes[character] ?? "?"
    }
  }

  private static let asciiLookAlikes: [Character: Character] = [
    "·": "-", "‹": "<", "›": ">", "↑": "^", "↓": "v", "←": "<", "→": ">", "…": "~", "×": "x",
    "─": "-", "│": "|", "✓": "x", "—": "-", "–": "-", "“": "\"", "”": "\"", "‘": "'", "’": "'",
  ]

  /// A stretch of one row to write: cells `x..<x+count`, all of one style. It never starts on
  /// the second column of a wide character nor ends inside one.
  public struct Run: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var count: Int
    public var role: StyleRole
    public var bold: Bool
  }

  /// What the terminal must write to turn the screen `previous` showed into this one: the
  /// changed cells, each character whole (a wide character is written from its first column,
  /// in its first column's style), grouped in runs of one style. Everything when there is no
  /// previous frame or its size differs.
  public func changes(since previous: ScreenBuffer?) -> [Run] {
    let full = previous == nil || previous!.width != width || previous!.height != height
    var runs: [Run] = []
    for y in 0..<height {
      let row = y * width
      var x = 0
      while x < width {
        // One character: its first cell and the continuation cells after it.
        var end = x + 1
        while end < width && cells[row + end].character == nil { end += 1 }
        let lead = cells[row + x]
        let changed = full || (x..<end).contains { cells[row + $0] != previous!.cells[row + $0] }
        if changed {
          if let last = runs.last, last.y == y, last.x + last.count == x, last.role == lead.role,
            last.bold == lead.bold
          {
            runs[runs.count - 1].count += end - x
          } else {
            runs.append(Run(x: x, y: y, count: end - x, role: lead.role, bold: lead.bold))
          }
        }
        x = end
      }
    }
    return runs
  }

  /// Fills a rectangle with spaces of one style.
  /// (A rectangle partly or wholly off the screen is clipped, never a trap.)
  public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, role: StyleRole) {
    let rows = max(0, y)..<max(max(0, y), min(height, y + h))
    let columns = max(0, x)..<max(max(0, x), min(width, x + w))
    for row in rows {
      for column in columns { cells[row * width + column] = Cell(character: " ", role: role, bold: false) }
    }
  }

  /// Changes the style of cells without touching their characters (selection bars).
  public mutating func restyle(x: Int, y: Int, width w: Int, role: StyleRole) {
    guard y >= 0, y < height else { return }
    for column in max(0, x)..<max(max(0, x), min(width, x + w)) { cells[y * width + column].role = role }
  }

  /// The screen as lines of text, trailing spaces kept so that goldens show the full width.
  public var lines: [String] {
    (0..<height).map { row in
      var line = ""
      for column in 0..<width { if let character = self[column, row].character { line.append(character) } }
      return line
    }
  }

  public var text: String { lines.joined(separator: "\n") + "\n" }

  /// One letter per cell naming its style role, for golden files of colour.
  public var styleMap: String {
    let letters = Dictionary(
      uniqueKeysWithValues: StyleRole.allCases.enumerated().map { ($1, Self.letters[$0]) })
    return (0..<height).map { row in
      String((0..<width).map { letters[self[$0, row].role]! })
    }.joined(separator: "\n") + "\n"
  }

  static let letters = Array("tmabshgfkylLoxiSneEwcrIJ")
}
