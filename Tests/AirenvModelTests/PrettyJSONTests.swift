import AirenvModel
import Foundation
import Testing

/// The export writes pretty JSON by hand; Airflow's files must read exactly as JSONEncoder
/// wrote them before, so every shape is compared with the encoder itself.
@Suite struct PrettyJSONTests {
  private func encoderText(_ value: JSONValue) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  @Test(arguments: [
    JSONValue.object([:]), .array([]), .null, .bool(false), .integer(Int64.min), .double(1e20), .double(-0.0),
    .double(0.1), .double(1e-7), .double(123_456_789_012_345_683_968),
    .string(String((0..<0x80).map { Character(Unicode.Scalar($0)!) })),
    .string("a/b \u{2028}\u{2029}\u{85} é e\u{301} 👩‍👩‍👧 \u{FEFF}"),
    .object(["b10": .object([:]), "b9": .array([.array([]), .object([:])]), "B": .null, "_": .integer(1)]),
    .object([
      "é": .integer(1), "e\u{301}z": .integer(2), "Z": .integer(3), "": .string(""), "\u{FF01}": .null,
      "😀": .null,
    ]),
    .object([
      "options": .object(["connect_timeout": .integer(10), "list": .array([.bool(true), .double(1.5)])])
    ]),
  ])
  func writesWhatJSONEncoderWrites(value: JSONValue) throws {
    #expect(value.prettyText == (try encoderText(value)))
  }

  /// Random nested values from a fixed seed: any shape the hand-written cases missed.
  @Test func randomValuesReadTheSame() throws {
    var seed: UInt64 = 0x5EED
    func next(_ bound: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(bound))
    }
    let alphabet: [Character] = [
      "a", "Z", "_", "0", "/", "\"", "\\", "\n", "\u{1}", "\u{7F}", "é", "e\u{301}", "€",
    ]
    func text() -> String { String((0..<next(6)).map { _ in alphabet[next(alphabet.count)] }) }
    func value(depth: Int) -> JSONValue {
      switch depth > 3 ? next(4) : next(6) {
      case 0: return .string(text())
      case 1: return .integer(Int64(next(2_000_000)) - 1_000_000)
      case 2: return .bool(next(2) == 0)
      case 3: return .null
      case 4: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
      default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<next(5) { members[text()] = value(depth: depth + 1) }
        return .object(members)
      }
    }
    for _ in 0..<500 {
      let sample = value(depth: 0)
      #expect(sample.prettyText == (try encoderText(sample)), "\(sample)")
      // Written through a JSONWriter, member by member: the same text, the same value.
      var text = PrettyJSONText()
      Spelled(sample).writeJSON(to: &text)
      #expect(text.text == sample.prettyText, "\(sample)")
      #expect(JSONValueBuilder.value(of: Spelled(sample)) == sample)
    }
    // A list long enough to be written on every core, nested as `resolve` nests it.
    let long = JSONValue.object([
      "connections": .array((0..<700).map { .object(["n": .integer(Int64($0)), "v": value(depth: 2)]) })
    ])
    #expect(long.prettyText == (try encoderText(long)))
    // Through a writer, handed on in small pieces, each a whole run of list items: joined, the
    // same text.
    var pieces: [String] = []
    var text = PrettyJSONText(inPiecesOf: 512) { pieces.append(String(decoding: $0, as: UTF8.self)) }
    Spelled(long).writeJSON(to: &text)
    text.finish()
    let expected = try encoderText(long)
    #expect(pieces.count > 10 && pieces.joined() == expected)
    // Each piece ends where a list item does: the next begins with what follows an item.
    #expect(pieces.dropFirst().allSatisfy { $0.hasPrefix(",\n") || $0.hasPrefix("\n") })
  }

  /// A value written through a `JSONWriter` call by call, its lists of objects as views.
  private struct Spelled: JSONWritable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    func writeJSON<Writer: JSONWriter>(to writer: inout Writer) {
      switch value {
      case .object(let members):
        writer.object(sorting: members) { writer, member in Spelled(member).writeJSON(to: &writer) }
      case .array(let items) where items.allSatisfy({ $0.objectValue != nil }):
        writer.items(items.map(Spelled.init))
      case .array(let items):
        writer.array { writer in for item in items { Spelled(item).writeJSON(to: &writer) } }
      default: writer.value(value)
      }
    }
  }

  @Test func anObjectAssembledFromItsMembersIsTheSameText() {
    let members: [String: JSONValue] = ["db": .object(["host": .string("h")]), "api": .integer(1)]
    var text = "{\n"
    for (index, key) in members.keys.sorted(by: JSONValue.precedesInEncoderOrder).enumerated() {
      if index > 0 { text += ",\n" }
      JSONValue.prettyMember(key, members[key]!, level: 1, into: &text)
    }
    text += "\n}"
    #expect(text == JSONValue.object(members).prettyText)
  }
}
