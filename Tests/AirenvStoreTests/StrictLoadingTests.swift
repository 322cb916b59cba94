import AirenvModel
import Foundation
import Testing

@testable import AirenvStore

@Suite("Strict loading: the model's rules hold for what is read back")
struct StrictLoadingTests {
  static func connection(key: String = "db", host: JSONValue = .string("h"), extra: String = "") -> [UInt8] {
    Array(
      """
      {"version": 1, "id": "con_1", "key": \(JSONValue.string(key).compactText), "scope": {"kind": "workspace"},
       "base": {"conn_type": "postgres", "host": \(host.compactText)\(extra)}, "linkedToAll": true, "links": {},
       "exclusions": [],
       "stamp": {"revision": 1, "createdAt": "2027-01-15T08:00:03Z", "createdBy": "a",
                 "updatedAt": "2027-01-15T08:00:03Z", "updatedBy": "b"}}
      """.utf8)
  }

  @Test func aWellFormedFileReads() throws {
    let read = try StoredFile.read(Connection.self, from: Self.connection(), path: "c.json")
    #expect(read.key == "db")
  }

  @Test(arguments: [
    ("x;rm -rf ~", "conn_id is not allowed"), ("a b", "conn_id is not allowed"), ("", "it is empty"),
    ("a..b", "contains \"..\""), (String(repeating: "a", count: 201), "201 characters"),
  ])
  func keysFollowTheInputRule(key: String, reason: String) {
    #expect {
      try StoredFile.read(Connection.self, from: Self.connection(key: key), path: "c.json")
    } throws: { error in
      guard case StoreError.corrupt(_, let line, _, let text) = error else { return false }
      return line == 1 && text.contains(reason)
    }
  }

  @Test func aValueOverTheLimitIsRefusedButASealedOneIsMeasuredAsItsValue() throws {
    let long = String(repeating: "x", count: Limits.valueBytes + 1)
    #expect(throws: StoreError.self) {
      try StoredFile.read(Connection.self, from: Self.connection(host: .string(long)), path: "c.json")
    }
    // A ciphertext is longer than the value it holds: it is not refused for its length.
    let sealed = Secrecy.sealedPrefix + String(repeating: "A", count: Limits.valueBytes + 100)
    let read = try StoredFile.read(
      Connection.self, from: Self.connection(extra: ", \"password\": \"\(sealed)\""), path: "c.json")
    #expect(read.base.fields[.password]?.hasPrefix(Secrecy.sealedPrefix) == true)
  }

  @Test func unknownMembersAreRefusedAtEveryLevel() {
    for (document, member) in [
      (Self.connection(extra: ", \"pasword\": \"x\""), "pasword"),
      (
        Array(
          String(decoding: Self.connection(), as: UTF8.self).replacingOccurrences(
            of: "\"links\": {}", with: "\"links\": {\"dep_1\": {\"feilds\": {}}}"
          ).utf8), "feilds"
      ),
      (
        Array(
          String(decoding: Self.connection(), as: UTF8.self).replacingOccurrences(
            of: "\"revision\": 1,", with: "\"revision\": 1, \"sig\": 1,"
          ).utf8), "sig"
      ),
    ] {
      #expect {
        try StoredFile.read(Connection.self, from: document, path: "c.json")
      } throws: { error in
        "\(error)".contains("unknown member \\\"\(member)\\\"")
      }
    }
  }

  @Test func aNameReadFromAFileStaysOneEntryOfItsDirectory() throws {
    #expect(try PrivateFiles.child(of: "/out", named: "prod") == "/out/prod")
    for name in ["..", ".", "", "a/b", "../x", "x\n"] {
      #expect(throws: StoreError.self, "\(name)") { try PrivateFiles.child(of: "/out", named: name) }
    }
  }

  @Test func journalPathsMustStayInsideTheRepository() {
    let layout = RepositoryLayout(root: "/repo")
    #expect(layout.isContained("workspaces/ws_1/connections/.con_1.json.tmp-ab12"))
    for path in ["../x", "/etc/passwd", "a/../../x", "a//b", "", "a/./b", "a\\b"] {
      #expect(!layout.isContained(path), "\(path)")
    }
  }
}
