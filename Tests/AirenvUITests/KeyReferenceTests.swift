import AirenvUI
import Foundation
import Testing

/// The README's key list is the keymap's own (`Keymap.reference`): a binding added, changed or
/// removed without the README following fails here. AIRENV_RECORD_GOLDENS=1 rewrites it.
@Suite("README: the key list is generated from the keymap")
struct KeyReferenceTests {
  static let begin = "<!-- keys: generated from Keymap.bindings by KeyReferenceTests; do not edit -->\n"
  static let end = "<!-- keys: end -->"

  @Test func theReadmeListsEveryKeyAsTheKeymapHasIt() throws {
    var directory = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { directory.deleteLastPathComponent() }
    let path = directory.appendingPathComponent("README.md").path
    let readme = try String(contentsOfFile: path, encoding: .utf8)
    let start = try #require(readme.range(of: Self.begin), "the README has no generated key list")
    let stop = try #require(readme.range(of: Self.end, range: start.upperBound..<readme.endIndex))
    let listed = String(readme[start.upperBound..<stop.lowerBound])
    let generated = Keymap.reference + "\n"
    if ProcessInfo.processInfo.environment["AIRENV_RECORD_GOLDENS"] == "1" {
      try (readme[..<start.upperBound] + generated + readme[stop.lowerBound...])
        .write(toFile: path, atomically: true, encoding: .utf8)
    } else {
      #expect(listed == generated)
    }
  }
}
