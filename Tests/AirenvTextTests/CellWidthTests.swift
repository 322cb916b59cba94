import AirenvText
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// glibc's wcwidth(), which Swift's Glibc module does not export.
@_silgen_name("wcwidth") private func glibcWidth(_ character: Int32) -> Int32

@Suite("Cell widths: one rule for layout, buffer and terminal")
struct CellWidthTests {
  /// ncurses places characters by glibc's wcwidth(), tmux draws by it: the table must agree on
  /// every code point, or a character shifts the rest of its line and leaves stale cells.
  @Test func everyCodePointHasTheWidthGlibcGivesIt() throws {
    try #require(setlocale(LC_CTYPE, "C.UTF-8") != nil)
    var disagreements: [String] = []
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let glibc = max(-1, Int(glibcWidth(Int32(bitPattern: value))))
      let ours = CellWidth.width(of: scalar)
      if glibc != ours { disagreements.append("U+\(String(value, radix: 16)): glibc \(glibc), ours \(ours)") }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
  }

  @Test(arguments: [
    ("e\u{301}", 1),  // e + combining acute: one column
    ("👍", 2),
    ("👍🏽", 4),  // emoji + skin tone: two wide code points as ncurses and tmux draw them
    ("👨‍👩‍👧", 6),  // ZWJ family
    ("🇫🇷", 2),  // a flag: two regional indicators of one column each
    ("1️⃣", 1),  // keycap
    ("☺️", 1),  // text symbol + variation selector 16
    ("漢", 2),
    ("\u{301}", 1),  // a lone combining mark is drawn on a dotted circle
    ("\u{200B}", 0),  // zero width space
  ])
  func clustersAreAsWideAsTheirCodePoints(cluster: String, columns: Int) throws {
    let character = try #require(cluster.count == 1 ? cluster.first : nil)
    #expect(CellWidth.of(character) == columns)
    #expect(CellWidth.glyph(for: character).width == columns)
  }

  @Test func controlCharactersAreDrawnAsTheirEscapes() {
    let escape = CellWidth.glyph(for: "\u{1B}")
    #expect(escape.text == "\\x1B" && escape.width == 4 && escape.isEscape)
    #expect(CellWidth.glyph(for: "\u{9B}").text == "\\u009B")
    #expect(CellWidth.glyph(for: "\r\n").text == "\\r\\n")
    #expect(CellWidth.of("a\u{1B}]0;x\u{7}b") == CellWidth.of("a\\x1B]0;x\\x07b"))
  }

  @Test func aCodePointTheTerminalCannotMeasureIsAReplacementCharacter() throws {
    // U+0378 is unassigned: wcwidth() is -1 and ncurses would draw it unpredictably.
    let glyph = CellWidth.glyph(for: Character(try #require(Unicode.Scalar(0x378))))
    #expect(glyph.text == "\u{FFFD}" && glyph.width == 1)
  }

  @Test func clippingNeverSplitsACluster() {
    #expect(CellWidth.clip("ab👍🏽cd", to: 5) == "ab…")
    #expect(CellWidth.clip("ab👍🏽cd", to: 7) == "ab👍🏽…")
    #expect(CellWidth.of(CellWidth.fit("👨‍👩‍👧x", to: 9)) == 9)
  }
}

@Suite("Terminal text: controls shown, never obeyed")
struct TerminalTextTests {
  static let controls: [UInt32] =
    Array(0x00...0x1F) + [0x7F] + Array(0x80...0x9F) + [0x061C, 0x200E, 0x200F, 0x2028, 0x2029]
    + Array(0x202A...0x202E) + Array(0x2066...0x2069)

  @Test func everyControlIsEscapedIntoPrintableASCII() throws {
    for value in Self.controls {
      let scalar = try #require(Unicode.Scalar(value))
      let escaped = TerminalText.escaped("a" + String(Character(scalar)) + "b")
      #expect(escaped.hasPrefix("a\\") && escaped.hasSuffix("b"), "U+\(String(value, radix: 16))")
      #expect(escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
    }
  }

  @Test func escapesAreReadable() {
    #expect(TerminalText.escaped("\u{1B}]52;c;aGk=\u{7}") == "\\x1B]52;c;aGk=\\x07")
    #expect(TerminalText.escaped("a\rb\u{8}\tc\n") == "a\\rb\\x08\\tc\\n")
    #expect(TerminalText.escaped("x\u{9B}2J") == "x\\u009B2J")
    #expect(TerminalText.escaped("one\ntwo\u{1B}", keepingNewlines: true) == "one\ntwo\\x1B")
    #expect(TerminalText.escaped("plain, ünïcödé 👍🏽") == "plain, ünïcödé 👍🏽")
  }

  /// The byte path scans eight bytes at a time: a control at any offset of a word, or in the
  /// tail after the last whole word, is found; text below DEL passes unchanged.
  @Test func jsonBytesAreEscapedAsTheirTextIs() {
    for length in 0..<20 {
      let plain = String(repeating: "a~", count: length).prefix(length)
      #expect(TerminalText.escapedInJSON(utf8: Array(plain.utf8)) == Array(plain.utf8))
      for position in 0...length {
        for inserted in ["\u{7F}", "\u{9B}", "\u{202E}", "é", "\u{FF}"] {
          var text = String(plain)
          text.insert(contentsOf: inserted, at: text.index(text.startIndex, offsetBy: position))
          let expected = Array(TerminalText.escapedInJSON(text).utf8)
          #expect(TerminalText.escapedInJSON(utf8: Array(text.utf8)) == expected, "\(length) \(position)")
        }
      }
    }
  }
}
