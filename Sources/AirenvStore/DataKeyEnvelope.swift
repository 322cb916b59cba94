import AirenvModel
import Crypto
import Foundation

/// A Workspace's data key — the AES-256 key its secret fields are sealed with — wrapped for each
/// member who may read them, stored as `workspaces/<id>/keys.json`. A wrap is HPKE (RFC 9180:
/// X25519, HKDF-SHA256, ChaCha20-Poly1305) to the member's recorded agreement key, bound to the
/// Workspace, the member and the key's fingerprint: only that member's private key opens it, and
/// a wrap copied to another member or Workspace opens nothing.
struct DataKeyEnvelope: Codable, Equatable, Sendable {
  struct Wrap: Codable, Equatable, Sendable {
    /// The member's public identity as recorded when the key was wrapped for them.
    var recipient: String
    var encapsulated: String
    var ciphertext: String
  }

  var format = Self.formatName
  /// The data key's fingerprint (see `EncryptionKey.fingerprint`).
  var fingerprint: String
  /// Per member: the data key wrapped for them.
  var wrapped: [String: Wrap]
  /// The Owner who wrote the envelope, and their Ed25519 signature over it: anyone can wrap a
  /// key of their own making for a member's public key, so an envelope counts only when an
  /// Owner of the Workspace (by its member list) signed it.
  var signedBy = ""
  var signature = ""

  static let formatName = "airenv-data-key-v1"
  private static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly

  /// `key` wrapped for every reader (user → public identity text).
  static func wrapping(_ key: EncryptionKey, for readers: [String: String], workspace: WorkspaceID)
    throws(StoreError) -> DataKeyEnvelope
  {
    var envelope = DataKeyEnvelope(fingerprint: key.fingerprint, wrapped: [:])
    for (user, identity) in readers {
      try envelope.wrap(key, for: user, identity: identity, workspace: workspace)
    }
    return envelope
  }

  mutating func wrap(_ key: EncryptionKey, for user: String, identity: String, workspace: WorkspaceID)
    throws(StoreError)
  {
    guard let keys = IdentityText.keys(identity),
      let recipient = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: keys.agreement)
    else { throw .keyProblem("\(user)'s recorded public key is not a public identity") }
    do {
      var sender = try HPKE.Sender(
        recipientKey: recipient, ciphersuite: Self.suite, info: Self.info(workspace: workspace, user: user))
      let sealed = try key.symmetric.withUnsafeBytes { bytes in
        try sender.seal(Data(bytes), authenticating: Data(fingerprint.utf8))
      }
      wrapped[user] = Wrap(
        recipient: identity, encapsulated: sender.encapsulatedKey.base64EncodedString(),
        ciphertext: sealed.base64EncodedString())
    } catch {
      throw .keyProblem("cannot wrap the data key for \(user): \(error)")
    }
  }

  /// The data key, opened with `identity`'s private key; nil when nothing here is wrapped for
  /// that identity. A wrap that names the identity but does not open, or opens to another key
  /// than the fingerprint says, is an error: the file was changed by hand.
  func open(with identity: LocalIdentity, workspace: WorkspaceID, path: String) throws(StoreError)
    -> EncryptionKey?
  {
    guard let wrap = wrapped[identity.user], wrap.recipient == identity.publicText else { return nil }
    guard let encapsulated = Data(base64Encoded: wrap.encapsulated),
      let ciphertext = Data(base64Encoded: wrap.ciphertext),
      var recipient = try? HPKE.Recipient(
        privateKey: identity.agreement, ciphersuite: Self.suite,
        info: Self.info(workspace: workspace, user: identity.user), encapsulatedKey: encapsulated),
      let opened = try? recipient.open(ciphertext, authenticating: Data(fingerprint.utf8)),
      let key = try? EncryptionKey(base64: opened.base64EncodedString(), location: path),
      key.fingerprint == fingerprint
    else {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason:
          "the data key wrapped for \(identity.user) does not open with their identity (changed by hand?)")
    }
    return key
  }

  /// Signs the envelope as it stands (after its last wrap) with `identity`.
  mutating func sign(with identity: LocalIdentity, workspace: WorkspaceID) throws(StoreError) {
    signedBy = identity.user
    guard let value = try? identity.signing.signature(for: signedMessage(workspace: workspace)) else {
      throw .keyProblem("cannot sign the data key's envelope")
    }
    signature = value.base64EncodedString()
  }

  /// Why the envelope does not count, or nil: it must be signed by someone the member list makes
  /// an Owner, with the key recorded for them.
  func signatureProblem(workspace: WorkspaceID, members: [String: Role], memberKeys: [String: String])
    -> String?
  {
    guard members[signedBy] == .owner, let recorded = memberKeys[signedBy],
      let keys = IdentityText.keys(recorded),
      let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: keys.signing)
    else {
      return "it is signed by \"\(signedBy.prefix(80))\", who is not an Owner with a recorded public key"
    }
    guard let value = Data(base64Encoded: signature),
      publicKey.isValidSignature(value, for: signedMessage(workspace: workspace))
    else {
      return
        "its signature by \(signedBy) does not match it (changed by hand, or written for another Workspace)"
    }
    return nil
  }

  /// What the signature covers: the Workspace, the key's fingerprint and every wrap, in member order.
  private func signedMessage(workspace: WorkspaceID) -> Data {
    var text = "airenv data key envelope v1\u{0}\(workspace)\u{0}\(fingerprint)\u{0}\(signedBy)"
    for (user, wrap) in wrapped.sorted(by: { $0.key < $1.key }) {
      text += "\u{0}\(user)\u{0}\(wrap.recipient)\u{0}\(wrap.encapsulated)\u{0}\(wrap.ciphertext)"
    }
    return Data(text.utf8)
  }

  private static func info(workspace: WorkspaceID, user: String) -> Data {
    Data("airenv data key v1\u{0}\(workspace)\u{0}\(user)".utf8)
  }

}

extension DataKeyEnvelope: StoredRecord {
  static let shape = StoredShape.record(
    [
      "format": .scalar, "fingerprint": .scalar,
      "wrapped": .dictionary(
        .record(["recipient": .scalar, "encapsulated": .scalar, "ciphertext": .scalar])),
      "signedBy": .scalar, "signature": .scalar,
    ], versioned: true)

  /// Refuses what airenv could not have written: another format, a fingerprint that is not 16
  /// hex digits, a member name airenv would refuse, a wrap whose parts are not of their sizes.
  func checkInvariants() throws(InvariantViolation) {
    guard format == Self.formatName else {
      throw InvariantViolation(["format"], "this is not \(Self.formatName)")
    }
    guard fingerprint.utf8.count == 16,
      fingerprint.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
    else { throw InvariantViolation(["fingerprint"], "a key fingerprint is 16 hexadecimal digits") }
    for (user, wrap) in wrapped.sorted(by: { $0.key < $1.key }) {
      if let problem = IdentifierRules.problem(withUserName: user) {
        throw InvariantViolation(["wrapped", user], "the member's name is not allowed: \(problem)")
      }
      guard IdentityText.keys(wrap.recipient) != nil, Data(base64Encoded: wrap.encapsulated)?.count == 32,
        Data(base64Encoded: wrap.ciphertext)?.count == 48
      else {
        throw InvariantViolation(["wrapped", user], "not a public identity with an HPKE-wrapped 32-byte key")
      }
    }
  }
}
