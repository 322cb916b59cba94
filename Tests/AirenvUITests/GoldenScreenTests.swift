import AirenvModel
import AirenvUI
import Foundation
import Testing

/// Whole screens at fixed sizes, stored as reviewed text files next to this test. Run with
/// AIRENV_RECORD_GOLDENS=1 to write them after a deliberate change; a missing or different
/// golden fails.
@Suite("Golden screens")
struct GoldenScreenTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Goldens")
  static let recording = ProcessInfo.processInfo.environment["AIRENV_RECORD_GOLDENS"] == "1"

  static let screens: [(String, [Action])] = [
    ("connections", []),
    ("connections-selected", [.moveEnd]),
    ("variables", [.selectTab(.variables), .moveDown, .moveDown]),
    ("deployments", [.selectTab(.deployments), .moveDown]),
    ("matrix", [.toggleMatrix, .moveEnd, .moveRight, .moveRight]),
    ("matrix-variables", [.selectTab(.variables), .toggleMatrix, .moveRight]),
    ("help", [.help]),
    ("resolved-prod", [.selectTab(.deployments), .moveDown, .moveDown, .moveDown, .open]),
    ("diff", [.startCommand] + "diff dev prod".map { .insert($0) } + [.submit]),
    (
      "override-form",
      [.toggleMatrix, .moveEnd, .moveRight, .moveRight, .moveRight, .moveRight, .overrideForm]
    ),
    ("create-form", [.new]),
    ("confirm-delete", [.moveEnd, .delete]),
    ("filter", [.startFilter, .insert("s"), .insert("q"), .insert("l")]),
    ("history", [.historyLoaded(UIFixture.history), .showHistory, .moveDown]),
  ]

  struct Variant: CustomTestStringConvertible, Sendable {
    var name: String
    var width: Int
    var height: Int
    var ascii: Bool
    var testDescription: String { name }
  }

  static let variants = [
    Variant(name: "80x24", width: 80, height: 24, ascii: false),
    Variant(name: "120x40", width: 120, height: 40, ascii: false),
    Variant(name: "80x24-ascii", width: 80, height: 24, ascii: true),
    Variant(name: "120x40-ascii", width: 120, height: 40, ascii: true),
  ]

  func check(_ text: String, _ file: String) throws {
    let url = Self.directory.appendingPathComponent(file)
    if Self.recording {
      try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let golden = try #require(try? String(contentsOf: url, encoding: .utf8), "missing golden \(file)")
    #expect(text == golden, "\(file) differs from its golden; rerun with AIRENV_RECORD_GOLDENS=1 if intended")
  }

  @Test(arguments: variants)
  func everyScreen(variant: Variant) throws {
    for (name, actions) in Self.screens {
      let state = UIFixture.after(
        actions, from: UIFixture.state(width: variant.width, height: variant.height, ascii: variant.ascii))
      let screen = render(state)
      try check(screen.text, "\(name)-\(variant.name).txt")
      // Colour: the style role of every cell (the mono/--ascii variants share the roles).
      if !variant.ascii { try check(screen.styleMap, "\(name)-\(variant.name).styles") }
    }
    // The Workspace picker, shown before a Workspace is open when there are several.
    var picker = WorkspacePicker(
      names: ["analytics", "data-platform", "marketing"], width: variant.width, height: variant.height,
      ascii: variant.ascii)
    _ = picker.handle(.down)
    let screen = picker.render()
    try check(screen.text, "picker-\(variant.name).txt")
    if !variant.ascii { try check(screen.styleMap, "picker-\(variant.name).styles") }
  }

  @Test func tooSmallSaysWhatItNeedsAndRecovers() throws {
    var state = UIFixture.state(width: 60, height: 15)
    #expect(render(state).text.contains("terminal too small (need 80×24, have 60×15)"))
    try check(render(state).text, "too-small-60x15.txt")
    try check(render(state).styleMap, "too-small-60x15.styles")
    try check(render(UIFixture.state(width: 40, height: 10, ascii: true)).text, "too-small-40x10-ascii.txt")
    _ = update(&state, .resize(width: 80, height: 24))
    #expect(render(state).text.contains("Connections (13)"))
  }

  @Test func asciiScreensHoldOnlyASCII() {
    var screen = ScreenBuffer(width: 12, height: 1)
    screen.put("a·b→日é…", x: 0, y: 0)
    screen.restrictToASCII()
    #expect(screen.lines[0] == "a-b>???~    ")
    for variant in Self.variants where variant.ascii {
      for (name, actions) in Self.screens {
        let state = UIFixture.after(
          actions, from: UIFixture.state(width: variant.width, height: variant.height, ascii: true))
        let text = render(state).text
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(name) at \(variant.name)")
      }
    }
  }

  @Test func wideCharactersTakeTwoColumns() {
    var screen = ScreenBuffer(width: 10, height: 1)
    let end = screen.put("日本😀é", x: 0, y: 0)
    #expect(end == 7)
    #expect(screen.lines[0] == "日本😀é   ")
    #expect(screen[1, 0].character == nil)
  }
}
