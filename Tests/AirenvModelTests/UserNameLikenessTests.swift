import AirenvModel
import Testing

/// Names a person could take for one another (review 13): a member list holding `alice` and
/// `аlice` reads as one member twice.
@Suite("User names that look alike")
struct UserNameLikenessTests {
  @Test(arguments: [
    ("alice", "\u{430}lice"),  // Cyrillic а
    ("alice", "ALICE"),
    ("jose", "jose\u{301}"),  // e and a combining acute
    ("bob", "\u{FF42}\u{FF4F}\u{FF42}"),  // fullwidth
    ("alice", "al\u{200B}ice"),  // a zero-width space
    ("ops", "\u{3BF}ps"),  // Greek omicron
    ("bob1", "bobl"),
    // Review 14: fillers and blanks that draw nothing, and letters it had missed.
    ("alice", "alice\u{1160}"),  // a Hangul filler
    ("alice", "alice\u{3164}"),
    ("alice", "alice\u{2800}"),  // a braille blank
    ("alice", "\u{251}lice"),  // Latin alpha
    ("alice", "aIice"),  // a capital I for the l
    ("alice", "a\u{1C0}ice"),  // a dental click
    ("bob", "b\u{585}b"),  // Armenian o
    ("alice", "\u{1D00}lice"),  // a small capital A
    // Review 15: capitals matched as drawn, dashes, Coptic, and letter pairs.
    ("Neil", "\u{39D}eil"),  // Greek capital Nu (its lowercase looks like a v)
    ("Zoe", "\u{396}oe"),
    ("Mallory", "\u{39C}allory"),
    ("bob-smith", "bob\u{2010}smith"),
    ("bob-smith", "bob\u{2212}smith"),
    ("tom", "t\u{2C9F}m"),
    ("victor", "\u{475}ictor"),
    ("mary", "rnary"),
    ("wendy", "vvendy"),
    // Review 16: Lisu and Cherokee capitals, and more.
    ("alice", "a\u{A4F2}ice"),  // Lisu I
    ("Mallory", "\u{A4DF}allory"),  // Lisu M
    ("Mallory", "\u{13B7}allory"),  // Cherokee M
    ("Anna", "\u{13AA}nna"),  // Cherokee A
    ("dave", "clave"),
    // Review 17: Cherokee small letters, Cyrillic iota, Latin small beta.
    ("alice", "\u{AB7A}lice"),
    ("ci", "c\u{A647}"),
    ("bob", "\u{A7B5}ob"),
    ("bob", "bo\u{13CF}"),
  ])
  func namesDrawnAlikeAreAlike(first: String, second: String) {
    #expect(UserNameLikeness.skeleton(first) == UserNameLikeness.skeleton(second))
    #expect(UserNameLikeness.lookalike(of: second, among: [first, "carol"]) == first)
    #expect(UserNameLikeness.firstAlikePair(in: [first, second, "carol"]) != nil)
  }

  @Test(arguments: [("alice", "alicia"), ("ann", "anne"), ("李", "季"), ("bob", "bob.ops")])
  func differentNamesAreNot(first: String, second: String) {
    #expect(UserNameLikeness.lookalike(of: second, among: [first]) == nil)
    #expect(UserNameLikeness.firstAlikePair(in: [first, second]) == nil)
  }

  @Test func aNameIsNotALookalikeOfItself() {
    #expect(UserNameLikeness.lookalike(of: "alice", among: ["alice"]) == nil)
  }

  @Test func whatIsNotPlainASCIIIsSpelledOut() {
    #expect(UserNameLikeness.spelled("alice") == "alice")
    #expect(UserNameLikeness.spelled("\u{430}lice") == "\\u{430}lice")
    #expect(UserNameLikeness.spelled("jos\u{E9}") == "jos\\u{e9}")
  }
}
