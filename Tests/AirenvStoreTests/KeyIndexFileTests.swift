import Foundation
import Testing

@testable import AirenvStore

#if canImport(Glibc)
  import Glibc
#endif

/// The key index file: what it reads back, and what it refuses to trust.
@Suite struct KeyIndexFileTests {
  private func signature(seconds: Int) -> FileSignature {
    FileSignature(
      device: 1, inode: 2, size: 3, modified: timespec(tv_sec: seconds, tv_nsec: 5),
      changed: timespec(tv_sec: seconds, tv_nsec: 6))
  }

  private func directory() -> String {
    let path = NSTemporaryDirectory() + "airenv-keyindex-\(UUID().uuidString)/airenv"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    chmod(path, 0o700)
    return path
  }

  @Test func whatIsWrittenReadsBackAndAnyDamageIsIgnored() throws {
    let path = directory() + "/w.keys"
    let index = KeyIndex(sections: [
      "connections": [
        .init(name: "con_2.json", signature: signature(seconds: 10), key: "db"),
        .init(name: "con_1.json", signature: signature(seconds: 11), key: "api"),
      ],
      "variables": [.init(name: "var_1.json", signature: signature(seconds: -3), key: "region_code")],
    ])
    index.write(to: path)
    #expect(KeyIndex(readingFrom: path) == index)
    #expect(index.sections["connections"]?.map(\.name) == ["con_1.json", "con_2.json"])
    #expect(!index.lacksAny(of: ["connections": [index.sections["connections"]![1]]]))
    #expect(
      index.lacksAny(of: [
        "connections": [.init(name: "con_2.json", signature: signature(seconds: 12), key: "db")]
      ]))
    #expect(
      index.lacksAny(of: [
        "variables": [.init(name: "var_0.json", signature: signature(seconds: 1), key: "k")]
      ]))
    let bytes = try #require(FileManager.default.contents(atPath: path))
    for position in [0, 20, bytes.count / 2, bytes.count - 1] {
      var damaged = bytes
      damaged[position] ^= 0x01
      try damaged.write(to: URL(fileURLWithPath: path))
      #expect(KeyIndex(readingFrom: path) == nil, "byte \(position)")
    }
    try bytes.prefix(bytes.count - 7).write(to: URL(fileURLWithPath: path))
    #expect(KeyIndex(readingFrom: path) == nil)
  }

  /// Another user could plant an index telling a command to skip files: one that others may
  /// write, or in a directory others may write, is not read.
  @Test func anIndexOthersMayWriteIsNotTrusted() throws {
    let folder = directory()
    let path = folder + "/o.keys"
    KeyIndex(sections: ["variables": [.init(name: "var_1.json", signature: signature(seconds: 1), key: "k")]])
      .write(to: path)
    #expect(KeyIndex(readingFrom: path) != nil)
    chmod(path, 0o622)
    #expect(KeyIndex(readingFrom: path) == nil)
    chmod(path, 0o600)
    chmod(folder, 0o777)
    #expect(KeyIndex(readingFrom: path) == nil)
    #expect(!KeyIndex.canBeKept(at: path))
  }

  /// A file may claim any time; deciding whether it has settled must not overflow.
  @Test func aFileFromTheFarFutureHasNotSettled() {
    #expect(!signature(seconds: Int.max).isSettled(now: time(nil), after: 2))
    #expect(signature(seconds: Int.min + 1).isSettled(now: time(nil), after: 2))
  }
}
