import Crypto
import Foundation

/// The AES-256 key that encrypts secret fields, and where it comes from (SPEC §4):
/// `AIRENV_KEY` (base64 of 32 bytes), else the file `AIRENV_KEY_FILE`, else
/// `$XDG_CONFIG_HOME/airenv/key`, created with mode 0600 on first use.
public struct Keyring: Sendable {
  public enum Origin: Equatable, Sendable {
    case environment
    case file(path: String, isDefault: Bool)
  }

  public let origin: Origin
  private let environmentValue: String?

  public init(environment: [String: String]) {
    if let value = environment["AIRENV_KEY"], !value.isEmpty {
      origin = .environment
      environmentValue = value
    } else if let path = environment["AIRENV_KEY_FILE"], !path.isEmpty {
      origin = .file(path: path, isDefault: false)
      environmentValue = nil
    } else {
      let config =
        environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
      origin = .file(path: config + "/airenv/key", isDefault: true)
      environmentValue = nil
    }
  }

  /// Where the key is, in words for messages: never the key itself.
  public var location: String {
    switch origin {
    case .environment: "AIRENV_KEY"
    case .file(let path, _): path
    }
  }

  /// The key, or nil when its file does not exist.
  public func load() throws(StoreError) -> EncryptionKey? {
    switch origin {
    case .environment:
      return try EncryptionKey(base64: environmentValue ?? "", location: "AIRENV_KEY")
    case .file(let path, _):
      guard FileSystem.exists(path) else { return nil }
      return try Self.readKeyFile(path)
    }
  }

  /// A key file anyone else on the machine can read is refused, as ssh refuses such a private
  /// key: whoever can read it can read every secret of the repository.
  private static func readKeyFile(_ path: String, checkingAccess: Bool = true) throws(StoreError)
    -> EncryptionKey
  {
    if checkingAccess, let access = KeyFileAccess(path: path), access.worldCanAccess {
      throw .keyProblem(
        "the key file \(path) has mode \(String(access.mode, radix: 8)), so every user of this machine can "
          + "read it; restrict it with `chmod 600 \(path)` (and consider `airenv key rotate` if others "
          + "may have copied it)")
    }
    let text = String(decoding: try FileSystem.read(path, limit: 4096, followingLinks: true), as: UTF8.self)
    return try EncryptionKey(base64: text.trimmingCharacters(in: .whitespacesAndNewlines), location: path)
  }

  /// What is loose about the key file short of refusing it: access for its group, or an owner
  /// who is not the user running airenv. Empty when the key is not a file.
  public func warnings() -> [String] {
    guard case .file(let path, _) = origin, let access = KeyFileAccess(path: path) else { return [] }
    var found: [String] = []
    if access.groupCanAccess {
      found.append(
        "the key file \(path) has mode \(String(access.mode, radix: 8)): its group can read it; "
          + "`chmod 600 \(path)` unless that group is meant to hold the key")
    }
    if access.owner != geteuid() {
      found.append(
        "the key file \(path) belongs to \(KeyFileAccess.userName(access.owner)), not to you "
          + "(\(KeyFileAccess.userName(geteuid()))): whoever owns it can replace it")
    }
    return found
  }

  /// The key, creating the default key file when there is none yet.
  public func loadOrCreate() throws(StoreError) -> EncryptionKey {
    if let key = try load() { return key }
    guard case .file(let path, _) = origin else { throw .keyProblem("AIRENV_KEY is empty") }
    let key = EncryptionKey.generate()
    try FileSystem.makeDirectory(path.parent)
    // Another process may create the key at the same moment; the first one wins.
    if try FileSystem.createExclusively(Array((key.base64 + "\n").utf8), at: path) { return key }
    guard let existing = try load() else { throw .keyProblem("cannot create the key file \(path)") }
    return existing
  }

  var stagedPath: String? {
    if case .file(let path, _) = origin { return path + ".next" }
    return nil
  }

  /// Writes a new key beside the current one; it becomes current with `promoteStaged()`.
  func stage(_ key: EncryptionKey) throws(StoreError) {
    guard let staged = stagedPath else {
      throw .keyProblem(
        "the key comes from AIRENV_KEY, which airenv cannot rewrite; put the key in a file named by "
          + "AIRENV_KEY_FILE (mode 0600) and unset AIRENV_KEY to rotate")
    }
    try FileSystem.makeDirectory(staged.parent)
    try FileSystem.writeAtomically(Array((key.base64 + "\n").utf8), to: staged)
  }

  func stagedKey() throws(StoreError) -> EncryptionKey? {
    guard let staged = stagedPath, FileSystem.exists(staged) else { return nil }
    // Read only to compare with the repository's fingerprint; once it becomes the key, its
    // mode is checked like any key's.
    return try Self.readKeyFile(staged, checkingAccess: false)
  }

  func promoteStaged() throws(StoreError) {
    guard let staged = stagedPath, case .file(let path, _) = origin else { return }
    try FileSystem.rename(staged, to: path)
    try FileSystem.syncDirectory(path.parent)
  }
}

/// A 256-bit AES key with a fingerprint that identifies it without revealing it.
public struct EncryptionKey: Sendable {
  let symmetric: SymmetricKey
  let base64: String

  init(base64 text: String, location: String) throws(StoreError) {
    guard let data = Data(base64Encoded: text), data.count == 32 else {
      throw .keyProblem("the key in \(location) is not the base64 of 32 bytes")
    }
    symmetric = SymmetricKey(data: data)
    base64 = text
  }

  private init(symmetric: SymmetricKey) {
    self.symmetric = symmetric
    base64 = symmetric.withUnsafeBytes { Data($0).base64EncodedString() }
  }

  public static func generate() -> EncryptionKey { EncryptionKey(symmetric: SymmetricKey(size: .bits256)) }

  /// The first 8 bytes of the key's SHA-256, in hex.
  public var fingerprint: String {
    let digest = symmetric.withUnsafeBytes { SHA256.hash(data: Data($0)) }
    return hexadecimal(digest.prefix(8))
  }
}

/// The owner and mode of a file, as `stat` (following links) gives them.
struct KeyFileAccess {
  var mode: Int
  var owner: uid_t

  init?(path: String) {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    mode = Int(status.st_mode & 0o777)
    owner = status.st_uid
  }

  var worldCanAccess: Bool { mode & 0o007 != 0 }
  var groupCanAccess: Bool { mode & 0o070 != 0 }

  /// A user's login name, or their numeric id when there is none.
  static func userName(_ id: uid_t) -> String {
    guard let entry = getpwuid(id), let name = entry.pointee.pw_name else { return "uid \(id)" }
    return String(cString: name) + " (uid \(id))"
  }
}
