import AirenvModel
import Foundation
import Testing

@Suite("JSON as Airflow reads it")
struct JSONParserTests {
  @Test(arguments: [
    #"{"a": 1, "b": [true, false, null], "c": {"d": "e\n\u00e9\ud83d\ude00\/"}, "f": -0.5}"#,
    #"[9223372036854775807, -9223372036854775808, 0, -0, 12]"#,
    #"  "plain"  "#, "[]", "{}", #"{"nested": [[[{"x": [1]}]]]}"#,
  ])
  func readsWhatJSONDecoderReads(text: String) throws {
    #expect(try JSONValue.parse(text) == (try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))))
  }

  /// As Python's `json.loads` does: a fraction or an exponent makes a float, even when integral.
  @Test func aFractionOrAnExponentIsADouble() throws {
    #expect(try JSONValue.parse("1.0") == .double(1))
    #expect(try JSONValue.parse("-0.5e3") == .double(-500))
    #expect(try JSONValue.parse("1E2") == .double(100))
  }

  @Test func numbersKeepTheirKind() throws {
    #expect(try JSONValue.parse("9223372036854775807") == .integer(.max))
    #expect(try JSONValue.parse("-9223372036854775808") == .integer(.min))
    #expect(try JSONValue.parse("9223372036854775808") == .double(9223372036854775808))
    #expect(try JSONValue.parse("1.5") == .double(1.5))
    #expect(try JSONValue.parse("\"\\u0041\\ud83d\\ude00\"") == .string("A😀"))
  }

  @Test(arguments: [
    #"{"a": 1,}"#, "[1,]", "01", "-", "1.", ".5", "1e", "+1", #"{"a": 1, "a": 2}"#, #""\ud800""#,
    #""\udc00x""#, "\"a\u{1}b\"", #""\x41""#, "[1 2]", #"{"a" 1}"#, "nul", "NaN", "Infinity", "[", #""open"#,
    String(repeating: "[", count: 600) + String(repeating: "]", count: 600), "1e999",
  ])
  func refusesWhatPythonRefuses(text: String) {
    #expect(throws: ModelError.self, "\(text.prefix(40))") { try JSONValue.parse(text) }
  }

  @Test func aRefusalSaysWhereAndWhy() {
    #expect {
      try JSONValue.parse("{\n  \"a\": 1,\n}")
    } throws: { error in
      "\(error)".contains("line 3") && "\(error)".contains("quoted member name")
    }
  }
}
