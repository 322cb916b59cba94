import AirenvModel
import AirenvText
import Foundation
import Testing

@testable import AirenvPresentation

@Suite("Presentation: the words and glyphs every surface shares")
struct PresentationTests {
  @Test func everySharingSummaryReadsTheSameInEveryListing() {
    let cases: [(SharingSummary, Int, String)] = [
      (SharingSummary(owner: "dev", linkedToAll: false, links: [], exclusions: []), .max, "only dev"),
      (SharingSummary(owner: nil, linkedToAll: true, links: [], exclusions: []), .max, "all"),
      (SharingSummary(owner: nil, linkedToAll: true, links: [], exclusions: ["dev"]), .max, "all but dev"),
      (
        SharingSummary(owner: nil, linkedToAll: true, links: [], exclusions: ["feature-login-flow", "dev"]),
        10,
        "all but 2"
      ),
      (
        SharingSummary(owner: nil, linkedToAll: false, links: ["prod", "staging"], exclusions: []), .max,
        "prod, staging"
      ),
      (
        SharingSummary(owner: nil, linkedToAll: false, links: ["prod", "staging"], exclusions: []), 10,
        "2 linked"
      ),
      (SharingSummary(owner: nil, linkedToAll: false, links: [], exclusions: []), .max, "none"),
      // Wide names are measured in cells, not characters: 4 ideographs take 8 columns.
      (SharingSummary(owner: nil, linkedToAll: false, links: ["本番環境"], exclusions: []), 7, "1 linked"),
      (SharingSummary(owner: nil, linkedToAll: false, links: ["本番環境"], exclusions: []), 8, "本番環境"),
    ]
    for (summary, width, expected) in cases {
      #expect(summary.short(width: width) == expected, "\(summary) at \(width)")
    }
  }

  @Test func theDetailSentenceCountsInTheRightNumber() {
    #expect(
      SharingSummary(owner: nil, linkedToAll: false, links: ["prod"], exclusions: []).sentence
        == "Restricted: linked to 1 Deployment")
    #expect(
      SharingSummary(owner: nil, linkedToAll: false, links: [], exclusions: []).sentence
        == "Restricted: linked to 0 Deployments")
    #expect(
      SharingSummary(owner: nil, linkedToAll: true, links: [], exclusions: ["a", "b"]).sentence
        == "Linked to all Deployments, 2 excluded")
  }

  @Test func noTwoMatrixStatesShareALetterOrAGlyph() {
    for ascii in [true, false] {
      let glyphs = CellState.allCases.map { $0.glyph(ascii: ascii) }
      #expect(Set(glyphs.map { $0.lowercased() }).count == CellState.allCases.count, "ascii: \(ascii)")
      if ascii { #expect(glyphs.allSatisfy { $0.allSatisfy(\.isASCII) }) }
    }
  }

  @Test func countsNameTheirNounInTheRightNumber() {
    #expect(counted(1, "object") == "1 object")
    #expect(counted(0, "object") == "0 objects")
    #expect(counted(2, "history entry", plural: "history entries") == "2 history entries")
  }
}
