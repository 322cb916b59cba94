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

  @Test func aValidationErrorNeverEchoesWhatWasSent() throws {
    // FastAPI's 422 carries the offending input, which can be a password that was sent.
    let answer = try JSONValue.parse(
      #"{"detail": [{"type": "string_type", "loc": ["body", "password"], "msg": "Input should be a valid string", "input": "hunter2-secret"}]}"#
    )
    let problem = try #require(AirflowClient.problem(answer))
    #expect(problem == "body.password: Input should be a valid string")
    #expect(!problem.contains("hunter2"))
  }
}
