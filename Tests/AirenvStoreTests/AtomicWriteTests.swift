import Foundation
import Testing

@testable import AirenvStore

@Suite("Atomic writes leave nothing behind")
struct AtomicWriteTests {
  /// The rename that finishes a write fails (the target is a directory): the temporary file
  /// it wrote is removed, not left beside the target.
  @Test func aWriteWhoseRenameFailsRemovesItsTemporaryFile() throws {
    let directory = NSTemporaryDirectory() + "airenv-atomic-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(
      atPath: directory + "/target/inside", withIntermediateDirectories: true)
    #expect(throws: StoreError.self) {
      try FileSystem.writeAtomically(Array("x".utf8), to: directory + "/target")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["target"])
  }

  @Test func anEmptyPathIsRefusedBeforeAnythingIsWritten() throws {
    let directory = FileManager.default.currentDirectoryPath
    let before = try FileManager.default.contentsOfDirectory(atPath: directory)
    #expect(throws: StoreError.self) { try PrivateFiles.write("x", to: "") }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == before)
  }
}
