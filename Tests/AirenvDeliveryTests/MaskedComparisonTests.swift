import AirenvModel
import Testing

@testable import AirenvDelivery

@Suite struct MaskedComparisonTests {
  @Test func aMaskMatchesAnyValueButVisibleTextMustAgree() {
    #expect(MaskedComparison.matches(shown: "***", known: "s3cr3t"))
    #expect(MaskedComparison.matches(shown: "https://u:***@host/db", known: "https://u:p@ss@host/db"))
    #expect(!MaskedComparison.matches(shown: "https://u:***@other/db", known: "https://u:p@host/db"))
    #expect(!MaskedComparison.matches(shown: "plain", known: "Plain"))
  }

  @Test func jsonTextIsComparedAsJSONWithMaskedMembers() {
    #expect(
      MaskedComparison.matches(shown: #"{"x": 1, "password": "***"}"#, known: #"{"password":"zz","x":1}"#))
    #expect(
      !MaskedComparison.matches(shown: #"{"x": 2, "password": "***"}"#, known: #"{"password":"zz","x":1}"#))
    // A number-like text is a text: "5" and "5.0" differ.
    #expect(!MaskedComparison.matches(shown: "5.0", known: "5"))
  }

  @Test func emptyAndNullAreBothUnset() {
    #expect(MaskedComparison.matches(shown: JSONValue.null, known: nil))
    #expect(MaskedComparison.matches(shown: JSONValue.string(""), known: nil))
    #expect(!MaskedComparison.matches(shown: JSONValue.string("h"), known: nil))
  }
}
