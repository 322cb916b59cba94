import Crypto
import Foundation

/// The AES-256 key that encrypts secret fields, and where it comes from (SPEC §4):
/// `AIRENV_KEY` (base64 of 32 bytes), else the file `AIRENV_KEY_FILE`, else
/// `$XDG_CONFIG_HOME/airenv/key`, created with mode 0600 on first use. A key file holds one
/// key per line, the newest first.
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

  /// The key that opens the secrets of the repository whose key has `fingerprint`: a key file
  /// holds the newest key first and, after `airenv key rotate`, the keys it replaced (other
  /// repositories that share the file may still use them). Without a fingerprint, or when no
  /// key in the file matches, the newest. Nil when the key file does not exist.
  public func load(matching fingerprint: String? = nil) throws(StoreError) -> EncryptionKey? {
    let keys = try loadAll()
    if let fingerprint, let match = keys.first(where: { $0.fingerprint == fingerprint }) { return match }
    return keys.first
  }

  /// Every key, newest first; empty when the key file does not exist.
  public func loadAll() throws(StoreError) -> [EncryptionKey] {
    switch origin {
    case .environment:
      return [try EncryptionKey(base64: environmentValue ?? "", location: "AIRENV_KEY")]
    case .file(let path, _):
      guard FileSystem.exists(path) else { return [] }
      return try Self.readKeyFile(path)
    }
  }

  /// A key file anyone else on the machine can read is refused, as ssh refuses such a private
  /// key: whoever can read it can read every secret of the repository.
  private static func readKeyFile(_ path: String, checkingAccess: Bool = true) throws(StoreError)
    -> [EncryptionKey]
  {
    if checkingAccess, let access = KeyFileAccess(path: path), access.worldCanAccess {
      throw .keyProblem(
        "the key file \(path) has mode \(String(access.mode, radix: 8)), so every user of this machine can "
          + "read it; restrict it with `chmod 600 \(path)` (and consider `airenv key rotate` if others "
          + "may have copied it)")
    }
    let bytes = try FileSystem.read(path, limit: Self.keyFileBytes, followingLinks: true)
    var keys: [EncryptionKey] = []
    for (number, line) in String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    ).enumerated() {
      let text = line.trimmingCharacters(in: .whitespaces.union(["\r"]))
      if text.isEmpty { continue }
      keys.append(try EncryptionKey(base64: text, location: "\(path) line \(number + 1)"))
    }
    guard !keys.isEmpty else { throw .keyProblem("the key file \(path) holds no key") }
    return keys
  }

  /// Room for about 1,400 keys: a file that grows past it is not a key file.
  private static let keyFileBytes = 64 * 1024

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

  // MARK: Rotation

  /// Where a rotation of the repository at `root` stages its new key: one file per repository,
  /// so that repositories sharing a key file never touch each other's staged key.
  func stagedPath(forRepository root: String) -> String? {
    guard case .file(let path, _) = origin else { return nil }
    let resolved = realpath(root, nil).map { pointer in
      defer { free(pointer) }
      return String(cString: pointer)
    }
    let digest = SHA256.hash(data: Data((resolved ?? root).utf8))
    return path + ".next-" + hexadecimal(digest.prefix(8))
  }

  /// Writes a new key beside the current one; `promote` makes it the newest key of the file.
  func stage(_ key: EncryptionKey, forRepository root: String) throws(StoreError) {
    guard let staged = stagedPath(forRepository: root) else {
      throw .keyProblem(
        "the key comes from AIRENV_KEY, which airenv cannot rewrite; put the key in a file named by "
          + "AIRENV_KEY_FILE (mode 0600) and unset AIRENV_KEY to rotate")
    }
    try FileSystem.makeDirectory(staged.parent)
    try FileSystem.writeAtomically(Array((key.base64 + "\n").utf8), to: staged)
  }

  func stagedKey(forRepository root: String) throws(StoreError) -> EncryptionKey? {
    guard let staged = stagedPath(forRepository: root), FileSystem.exists(staged) else { return nil }
    // Read only to compare with the repository's fingerprint; once it becomes a key of the key
    // file, its mode is checked like any key's.
    return try Self.readKeyFile(staged, checkingAccess: false).first
  }

  /// Puts the staged key first in the key file and keeps the keys it had after it, under a
  /// lock of the key file: two repositories rotating at once both keep their new keys.
  func promote(forRepository root: String) throws(StoreError) {
    guard let staged = stagedPath(forRepository: root), case .file(let path, _) = origin,
      let newKey = try stagedKey(forRepository: root)
    else { return }
    let lock = try RepositoryLock(path: path + ".lock", exclusive: true)
    try withExtendedLifetime(lock) { () throws(StoreError) in
      let earlier = FileSystem.exists(path) ? try Self.readKeyFile(path) : []
      let keys = [newKey] + earlier.filter { $0.fingerprint != newKey.fingerprint }
      try FileSystem.writeAtomically(Array(keys.map { $0.base64 + "\n" }.joined().utf8), to: path)
    }
    try FileSystem.remove(staged)
    try FileSystem.syncDirectory(path.parent)
  }

  /// Discards a staged key whose rotation did not land.
  func discardStaged(forRepository root: String) throws(StoreError) {
    if let staged = stagedPath(forRepository: root) { try FileSystem.remove(staged) }
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
