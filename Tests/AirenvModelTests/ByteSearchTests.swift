import AirenvModel
import Testing

@Suite("Searching bytes")
struct ByteSearchTests {
  @Test(arguments: [
    ("conn_01 postgres", "postg", true), ("conn_01 postgres", "gres", true), ("abc", "abc", true),
    ("abc", "abcd", false), ("abc", "", true), ("", "a", false), ("aab", "ab", true), ("abab", "bb", false),
    ("café_token", "é_t", true), ("café", "e", false),
  ])
  func findsARunOfBytes(text: String, needle: String, expected: Bool) {
    #expect(Array(text.utf8).containsBytes(Array(needle.utf8)) == expected)
  }
}
