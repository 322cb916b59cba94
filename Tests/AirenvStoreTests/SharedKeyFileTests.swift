import AirenvModel
import Foundation
import Testing

@testable import AirenvStore

/// Several repositories on one machine use the same default key file: rotating the key of one
/// must never lock another, nor lose its own new key to another's recovery.
@Suite("A key file shared by repositories")
struct SharedKeyFileTests {
  final class Machine {
    let directory = NSTemporaryDirectory() + "airenv-keys-\(UUID().uuidString)"
    var keyFile: String { directory + "/key" }
    var keyring: Keyring { Keyring(environment: ["AIRENV_KEY_FILE": keyFile]) }

    /// A repository with the demo Workspace, whose secrets are sealed with the key file's key.
    func repository(_ name: String) throws -> Repository {
      let repository = Repository(root: directory + "/" + name, keyring: keyring)
      try repository.initialize()
      _ = try repository.createWorkspace(named: "main", by: TemporaryRepository.actor)
      try repository.update(workspace: nil) { workspace in
        try DemoWorkspace.build(into: &workspace, by: TemporaryRepository.actor)
      }
      return repository
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
  }

  /// The repository's connection passwords, each opened (none locked).
  func openedSecrets(_ repository: Repository) throws -> [String] {
    let workspace = try repository.read(workspace: nil)
    #expect(Repository.lockedSecrets(in: workspace).isEmpty)
    return workspace.connections.compactMap { $0.base.fields[.password] }.sorted()
  }

  func keyLines(_ machine: Machine) throws -> [String] {
    try String(contentsOfFile: machine.keyFile, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  @Test func rotatingOneRepositoryLeavesTheOtherReadable() throws {
    let machine = Machine()
    let first = try machine.repository("first")
    let second = try machine.repository("second")
    let secrets = try openedSecrets(second)
    #expect(!secrets.isEmpty)
    let oldFingerprint = try second.keyStatus().fingerprint

    let rotated = try first.rotateKey(by: "alice")
    #expect(rotated.otherFingerprints == [oldFingerprint].compactMap { $0 })
    #expect(try keyLines(machine).count == 2)
    #expect(try openedSecrets(first) == secrets)
    #expect(try openedSecrets(second) == secrets)
    let status = try second.keyStatus()
    #expect(status.fingerprint == oldFingerprint && status.matches)

    // The second repository rotates too: all three keys stay, the newest first.
    let secondRotated = try second.rotateKey(by: "alice")
    #expect(try keyLines(machine).count == 3)
    #expect(try first.keyStatus().fingerprint == rotated.fingerprint)
    #expect(secondRotated.otherFingerprints.count == 2)
    #expect(try openedSecrets(first) == secrets && openedSecrets(second) == secrets)
  }

  @Test func aRotationInFlightIsNeverTouchedByAnotherRepository() throws {
    let machine = Machine()
    let first = try machine.repository("first")
    let second = try machine.repository("second")
    // The first repository has staged its new key and not yet committed (the moment the
    // attack hit: another repository's reader deleted the staged key).
    let newKey = EncryptionKey.generate()
    try machine.keyring.stage(newKey, forRepository: first.root)
    let staged = try #require(machine.keyring.stagedPath(forRepository: first.root))
    #expect(FileManager.default.fileExists(atPath: staged))
    _ = try openedSecrets(second)
    _ = try second.keyStatus()
    try second.update(workspace: nil) { workspace in
      try workspace.apply(
        .createDeployment(name: "qa", description: nil, tags: [], branch: nil), by: TemporaryRepository.actor)
    }
    #expect(FileManager.default.fileExists(atPath: staged))
    // The first repository's own next command sees the rotation did not commit and discards it.
    _ = try openedSecrets(first)
    #expect(!FileManager.default.fileExists(atPath: staged))
    #expect(try keyLines(machine).count == 1)
  }

  @Test func aRotationThatCommittedIsFinishedByTheNextCommand() throws {
    let machine = Machine()
    let repository = try machine.repository("only")
    let secrets = try openedSecrets(repository)
    // Rotate, then put the key file back as it was before the promotion: the commit landed,
    // the staged key did not yet reach the key file.
    let before = try String(contentsOfFile: machine.keyFile, encoding: .utf8)
    let staged = try #require(machine.keyring.stagedPath(forRepository: repository.root))
    _ = try repository.rotateKey(by: "alice")
    let newKey = try keyLines(machine)[0]
    try (newKey + "\n").write(toFile: staged, atomically: true, encoding: .utf8)
    try before.write(toFile: machine.keyFile, atomically: true, encoding: .utf8)
    chmod(machine.keyFile, 0o600)
    #expect(try openedSecrets(repository) == secrets)
    #expect(!FileManager.default.fileExists(atPath: staged))
    #expect(try keyLines(machine).first == newKey)
  }

  @Test func aKeyFileLineThatIsNotAKeyIsRefusedByLine() throws {
    let machine = Machine()
    let repository = try machine.repository("only")
    let key = try String(contentsOfFile: machine.keyFile, encoding: .utf8)
    try (key + "\nnot-a-key\n").write(toFile: machine.keyFile, atomically: true, encoding: .utf8)
    chmod(machine.keyFile, 0o600)
    #expect {
      try repository.keyStatus()
    } throws: { error in
      (error as? StoreError)?.message.contains("line 3") == true
    }
  }
}
