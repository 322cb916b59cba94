import AirenvFormats
import AirenvModel
import Testing

@Suite("Airflow URI decoding")
struct AirflowURITests {
  @Test func decodesEveryPartWithPercentEncoding() throws {
    let changes = try AirflowURI.decode(
      "postgres://app%40corp:p%40ss%2Fw%3Ard%25%23x%20y%2B%C3%BC%E2%82%AC@db.example.com:5432/analytics?sslmode=require"
    )
    #expect(changes.fields[.connType] == "postgres")
    #expect(changes.fields[.login] == "app@corp")
    #expect(changes.fields[.password] == "p@ss/w:rd%#x y+ü€")
    #expect(changes.fields[.host] == "db.example.com")
    #expect(changes.fields[.port] == "5432")
    #expect(changes.fields[.schema] == "analytics")
    #expect(changes.extraSet == ["sslmode": .string("require")])
  }

  @Test func extraJSONKeepsItsTypes() throws {
    let changes = try AirflowURI.decode(
      "google-cloud-platform:///?__extra__=%7B%22project%22%3A+%22p%22%2C+%22num_retries%22%3A+5%7D")
    #expect(changes.fields[.connType] == "google_cloud_platform")
    #expect(changes.fields[.host] == "")
    #expect(changes.extraSet == ["project": .string("p"), "num_retries": .integer(5)])
  }

  @Test func hostWithAProtocolAndIPv6() throws {
    #expect(
      try AirflowURI.decode("http://https://api.example.com").fields[.host] == "https://api.example.com")
    let ipv6 = try AirflowURI.decode("postgres://u:p@[::1]:5432/db")
    #expect(ipv6.fields[.host] == "::1")
    #expect(ipv6.fields[.port] == "5432")
  }

  @Test(arguments: [
    ("postgres:/host", "no \"scheme://\""),
    ("google_cloud_platform://x", "is not a URI scheme"),
    ("postgres://u:p@host:99999/db", "is not a number from 1 to 65535"),
    ("a://b://c://d", "more than twice"),
    ("aws:///?__extra__=%5B1%5D", "__extra__ is not a JSON object"),
  ])
  func refusesWhatAirflowRejects(uri: String, reason: String) {
    #expect {
      try AirflowURI.decode(uri)
    } throws: { error in
      (error as? AirflowURI.Problem)?.reason.contains(reason) ?? false
    }
  }

  /// An unencoded "#" cuts a password short and puts its digits where the port belongs: the
  /// refusal must not print them.
  @Test(arguments: ["postgres://user:98765432#1@host/db", "postgres://user:98765432?x@host/db"])
  func aPasswordWhereThePortBelongsIsNotEchoed(uri: String) {
    #expect {
      try AirflowURI.decode(uri)
    } throws: { error in
      guard let reason = (error as? AirflowURI.Problem)?.reason else { return false }
      return !reason.contains("98765432") && reason.contains("percent-encoded")
    }
  }

}
