import AirenvModel
import Crypto
import Foundation

/// One person's identity held on this machine: an Ed25519 key that signs their changes and a
/// Curve25519 key that the Workspace's data key is wrapped for. Only the public parts
/// (`IdentityText`) ever leave the identity file.
public struct LocalIdentity: Sendable {
  public let user: String
  let signing: Curve25519.Signing.PrivateKey
  let agreement: Curve25519.KeyAgreement.PrivateKey

  /// What `airenv identity show` prints and a Workspace records for the member.
  public var publicText: String {
    IdentityText.make(
      signing: signing.publicKey.rawRepresentation, agreement: agreement.publicKey.rawRepresentation)
  }
}

/// The identities held on this machine, in `$XDG_CONFIG_HOME/airenv/identity` (else
/// `~/.config/airenv/identity`): a JSON file of mode 0600 that only its owner may read, refused
/// otherwise as a key file is.
public struct IdentityFile: Sendable {
  public let path: String

  public init(environment: [String: String]) {
    let config =
      environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
    path = config + "/airenv/identity"
  }

  private struct Stored: Codable {
    struct Entry: Codable {
      var user: String
      var signing: String
      var agreement: String
    }
    var version = 1
    var identities: [Entry]
  }

  /// Every identity held; none when the file does not exist.
  public func load() throws(StoreError) -> [LocalIdentity] {
    guard FileSystem.exists(path) else { return [] }
    if let access = KeyFileAccess(path: path), access.worldCanAccess || access.groupCanAccess {
      throw .keyProblem(
        "the identity file \(path) has mode \(String(access.mode, radix: 8)): others on this machine can "
          + "read your private keys; restrict it with `chmod 600 \(path)`")
    }
    let bytes = try FileSystem.read(path, limit: 1 << 20)
    guard let stored = try? JSONDecoder().decode(Stored.self, from: Data(bytes)), stored.version == 1 else {
      throw .corrupt(path: path, line: nil, column: nil, reason: "not an airenv identity file")
    }
    var identities: [LocalIdentity] = []
    for entry in stored.identities {
      guard IdentifierRules.problem(withUserName: entry.user) == nil,
        let signingBytes = Data(base64Encoded: entry.signing),
        let agreementBytes = Data(base64Encoded: entry.agreement),
        let signing = try? Curve25519.Signing.PrivateKey(rawRepresentation: signingBytes),
        let agreement = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: agreementBytes)
      else {
        throw .corrupt(
          path: path, line: nil, column: nil,
          reason: "the identity of \"\(entry.user.prefix(80))\" is not a user name with two private keys")
      }
      identities.append(LocalIdentity(user: entry.user, signing: signing, agreement: agreement))
    }
    return identities
  }

  /// Makes a new identity for `user`; refused when one is held for that user already (a
  /// second would lock them out of every Workspace that records the first).
  public func create(for user: String) throws(StoreError) -> LocalIdentity {
    if let problem = IdentifierRules.problem(withUserName: user) {
      throw .keyProblem("\"\(user.prefix(80))\" is not a user name: \(problem)")
    }
    try PrivateFiles.makeDirectory(path.parent)
    // Two creations at once must not both start from the same file: the later rename would
    // drop the other's private key after its public part was printed.
    let lock = try RepositoryLock(path: path + ".lock", exclusive: true)
    defer { withExtendedLifetime(lock) {} }
    let held = try load()
    if held.contains(where: { $0.user == user }) {
      throw .keyProblem(
        "an identity for \(user) is already held in \(path); `airenv identity show` prints it")
    }
    let identity = LocalIdentity(
      user: user, signing: Curve25519.Signing.PrivateKey(), agreement: Curve25519.KeyAgreement.PrivateKey())
    let entries = (held + [identity]).map {
      Stored.Entry(
        user: $0.user, signing: $0.signing.rawRepresentation.base64EncodedString(),
        agreement: $0.agreement.rawRepresentation.base64EncodedString())
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(Stored(identities: entries)) else {
      throw .keyProblem("cannot encode the identity file")
    }
    // Written whole beside the old file and moved over it: 0600 from the start.
    try FileSystem.writeAtomically(Array(data) + [UInt8(ascii: "\n")], to: path)
    return identity
  }
}
