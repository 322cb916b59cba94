import AirenvModel
import Crypto
import Foundation

/// A history entry's signature, kept beside it as `<entry>.sig`: the Ed25519 signature of the
/// entry file's exact bytes by the identity that made the change. A file of its own, so that the
/// entry is signed as written (no second encoding to agree on) and two clones' entries and
/// signatures merge in git without touching each other.
struct HistorySignature: Codable {
  var version = 1
  var user: String
  /// The signer's public Ed25519 key, base64.
  var key: String
  /// The signature of the entry file's bytes, base64.
  var signature: String
  /// True when `user` signs an entry another change wrote and `history purge` rewrote (taking
  /// plaintexts out of it): they vouch for the entry as it is now, not for having made it.
  var rewrite: Bool?

  static let fileExtension = ".sig"
  static let largestFile = 4096

  /// The signature file's name for the entry file `name` (`….json`).
  static func fileName(forEntry name: String) -> String {
    String(name.dropLast(".json".count)) + fileExtension
  }

  /// What is signed: the entry's bytes bound to its Workspace and file name, so that a signed
  /// entry copied into another Workspace, or beside itself under another name, proves nothing.
  /// A rewrite's signature covers its own message, so that it is never read as the signer's
  /// claim to have made the change.
  static func message(entry: [UInt8], workspace: WorkspaceID, fileName: String, rewrite: Bool = false)
    -> [UInt8]
  {
    Array("airenv-history-\(rewrite ? "rewrite-" : "")v1\0\(workspace)\0\(fileName)\0".utf8) + entry
  }

  /// The signature file of `entry` by `identity`; with `rewrite`, of an entry `history purge`
  /// rewrote, which the purging member vouches for.
  static func make(
    for entry: [UInt8], workspace: WorkspaceID, fileName: String, by identity: LocalIdentity,
    rewrite: Bool = false
  ) throws(StoreError) -> [UInt8] {
    let signature: Data
    do {
      signature = try identity.signing.signature(
        for: message(entry: entry, workspace: workspace, fileName: fileName, rewrite: rewrite))
    } catch {
      throw .keyProblem("cannot sign the history entry: \(error)")
    }
    let stored = HistorySignature(
      user: identity.user, key: identity.signing.publicKey.rawRepresentation.base64EncodedString(),
      signature: signature.base64EncodedString(), rewrite: rewrite ? true : nil)
    return StoredFile.encode(stored)
  }
}

extension HistorySignature {
  /// Who signed `entry` and with which signing key (base64), when the signature in `bytes` holds
  /// for the key it names itself, whatever the Workspace records now: a change of the member
  /// list is judged against the list as it stood when it was made (`TrustedMembers`).
  static func selfConsistentSigner(
    of entry: [UInt8], workspace: WorkspaceID, fileName: String, signature bytes: [UInt8]
  ) -> (user: String, key: String, rewrite: Bool)? {
    guard let signature = try? JSONDecoder().decode(HistorySignature.self, from: Data(bytes)),
      signature.version == 1, let key = Data(base64Encoded: signature.key),
      let value = Data(base64Encoded: signature.signature),
      IdentifierRules.problem(withUserName: signature.user) == nil,
      let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
      publicKey.isValidSignature(
        value,
        for: message(
          entry: entry, workspace: workspace, fileName: fileName, rewrite: signature.rewrite == true))
    else { return nil }
    return (signature.user, key.base64EncodedString(), signature.rewrite == true)
  }
}

/// Whether a history entry can be shown to be the work of the member it names.
public enum HistoryVerification: Equatable, Sendable {
  /// Signed by the key the Workspace records for the entry's user, over the entry as it is.
  case verified
  /// No signature: written by an airenv before signing, or by someone with no identity here.
  case unsigned
  /// Signed, but not provably by that member: the reason says why.
  case notVerifiable(String)
  /// Rewritten by `history purge` and signed by the member who purged it, with the key the
  /// Workspace records for them: they vouch for it as it is, its member made the change.
  case rewritten(by: String)

  public var label: String {
    switch self {
    case .verified: "verified"
    case .unsigned: "unsigned"
    case .notVerifiable: "not verifiable"
    case .rewritten: "rewritten"
    }
  }

  /// Why it is not verified; nil when it is, or was rewritten (see `signer`).
  public var reason: String? {
    if case .notVerifiable(let reason) = self { reason } else { nil }
  }

  /// Whether a signature recorded for a member vouches for the entry as it is.
  public var holds: Bool { self == .verified || signer != nil }

  /// The member whose signature vouches for the entry as it is: its own, or its rewriter's.
  var signer: String? { if case .rewritten(let user) = self { user } else { nil } }

  /// `entry` is the entry file's bytes, `signature` its signature file's (nil when there is
  /// none), `recorded` the public identities the Workspace records, by member.
  static func of(
    entry: [UInt8], workspace: WorkspaceID, fileName: String, user: String, signature bytes: [UInt8]?,
    recorded: [String: String]
  ) -> Self {
    guard let bytes else { return .unsigned }
    guard let signature = try? JSONDecoder().decode(HistorySignature.self, from: Data(bytes)),
      signature.version == 1, let key = Data(base64Encoded: signature.key),
      let value = Data(base64Encoded: signature.signature),
      IdentifierRules.problem(withUserName: signature.user) == nil
    else { return .notVerifiable("its signature file is damaged") }
    let rewrite = signature.rewrite == true
    guard rewrite || signature.user == user else {
      return .notVerifiable("signed by \(signature.user.prefix(80)), not by \(user.prefix(80)) whom it names")
    }
    let signer = signature.user
    guard let recorded = recorded[signer], let keys = IdentityText.keys(recorded) else {
      return .notVerifiable("the Workspace records no public key for \(signer.prefix(80))")
    }
    guard keys.signing == key else {
      return .notVerifiable("signed with a key the Workspace does not record for \(signer.prefix(80))")
    }
    guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
      publicKey.isValidSignature(
        value,
        for: HistorySignature.message(
          entry: entry, workspace: workspace, fileName: fileName, rewrite: rewrite))
    else {
      return .notVerifiable("the entry was changed (or copied here from elsewhere) after it was signed")
    }
    return rewrite ? .rewritten(by: signer) : .verified
  }
}

/// The identities this process holds, set once a session knows them, and whose it acts as: it
/// signs changes with them and opens Workspace data keys with the acting user's.
final class HeldIdentities: @unchecked Sendable {
  private let lock = NSLock()
  private var identities: [LocalIdentity] = []
  private var actingUser: String?

  func set(_ held: [LocalIdentity], actingAs user: String?) {
    lock.withLock {
      identities = held
      actingUser = user
    }
  }

  func identity(of user: String) -> LocalIdentity? { lock.withLock { identities.first { $0.user == user } } }

  /// The acting user's name, for messages: whether or not their identity is held.
  var actingName: String { lock.withLock { actingUser ?? "this user" } }

  /// The acting user's identity, when it is held here.
  var acting: LocalIdentity? {
    lock.withLock { actingUser.flatMap { user in identities.first { $0.user == user } } }
  }
}
