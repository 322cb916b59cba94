import AirenvModel
import Crypto
import Foundation

/// Encrypts secret fields on the way to disk and decrypts them on the way back.
///
/// Each secret is AES-256-GCM sealed with its identity — Workspace, object, field path and,
/// for an override, the Deployment of the link — as authenticated data, so a ciphertext
/// copied into another field or object fails to open. A secret that cannot be opened is
/// loaded as a locked marker (`Secrecy.lockedValue`) that carries its ciphertext.
struct SecretSealer {
  static let envelopePrefix = Secrecy.sealedPrefix

  let workspace: WorkspaceID
  let key: EncryptionKey?
  /// Whether `key` is the repository's key: then a failure to open means tampering.
  let keyIsRepositorys: Bool

  /// What decides how secrets open: the same stored file unseals to the same value for the
  /// same identity.
  var identity: String { "\(workspace)|\(key?.fingerprint ?? "none")|\(keyIsRepositorys)" }

  // MARK: Connections and variables

  /// Seals every secret; one whose value is what `keeping.plain` holds at the same place
  /// keeps the ciphertext `keeping.stored` has there.
  func seal(_ connection: Connection, keeping: (plain: Connection, stored: Connection)? = nil)
    throws(StoreError) -> Connection
  {
    try sealing(
      connection, connection.id, walk: Self.mapSecrets,
      keeping: keeping.map { Self.ciphertexts(plain: $0.plain, stored: $0.stored, walk: Self.mapSecrets) }
        ?? [:])
  }

  func unseal(_ connection: Connection) -> Connection {
    Self.mapSecrets(connection) { value, path in unsealText(value, path: connection.id + "/" + path) }
  }

  func seal(_ variable: Variable, keeping: (plain: Variable, stored: Variable)? = nil) throws(StoreError)
    -> Variable
  {
    try sealing(
      variable, variable.id, walk: Self.mapSecrets,
      keeping: keeping.map { Self.ciphertexts(plain: $0.plain, stored: $0.stored, walk: Self.mapSecrets) }
        ?? [:])
  }

  func unseal(_ variable: Variable) -> Variable {
    Self.mapSecrets(variable) { value, path in unsealText(value, path: variable.id + "/" + path) }
  }

  /// A Deployment's target credentials, sealed under `<deployment id>/target/<field>`.
  func seal(_ deployment: Deployment) throws(StoreError) -> Deployment {
    guard var target = deployment.target else { return deployment }
    if let password = target.password {
      target.password = try sealText(password, path: deployment.id + "/target/password")
    }
    if let token = target.token { target.token = try sealText(token, path: deployment.id + "/target/token") }
    var sealed = deployment
    sealed.target = target
    return sealed
  }

  func unseal(_ deployment: Deployment) -> Deployment {
    guard var target = deployment.target else { return deployment }
    target.password = target.password.map { unsealText($0, path: deployment.id + "/target/password") }
    target.token = target.token.map { unsealText($0, path: deployment.id + "/target/token") }
    var opened = deployment
    opened.target = target
    return opened
  }

  static func needsKey(_ deployment: Deployment) -> Bool {
    [deployment.target?.password, deployment.target?.token].contains { value in
      value.map { !$0.hasPrefix(envelopePrefix) && Secrecy.lock(of: $0) == nil } ?? false
    }
  }

  /// Whether an object holds a secret value that is stored as plaintext and must be sealed.
  static func needsKey(_ connection: Connection) -> Bool { holdsPlaintext(connection, walk: mapSecrets) }
  static func needsKey(_ variable: Variable) -> Bool { holdsPlaintext(variable, walk: mapSecrets) }

  // MARK: Walking the secret fields

  /// A walk over an object's secret values: each is replaced by what `transform` returns.
  typealias Walk<Object> = (Object, (String, String) -> String) -> Object

  private static func holdsPlaintext<Object>(_ object: Object, walk: Walk<Object>) -> Bool {
    var found = false
    _ = walk(object) { value, _ in
      if Secrecy.lock(of: value) == nil && !value.hasPrefix(envelopePrefix) { found = true }
      return value
    }
    return found
  }

  /// Per secret path of an object: its value, and the ciphertext that stored it.
  private static func ciphertexts<Object>(plain: Object, stored: Object, walk: Walk<Object>)
    -> [String: (value: String, ciphertext: String)]
  {
    var values: [String: String] = [:]
    _ = walk(plain) { value, path in
      values[path] = value
      return value
    }
    var result: [String: (value: String, ciphertext: String)] = [:]
    _ = walk(stored) { text, path in
      if text.hasPrefix(envelopePrefix), let value = values[path] { result[path] = (value, text) }
      return text
    }
    return result
  }

  /// Seals every secret of an object; the walk cannot throw, so the first error is kept aside.
  private func sealing<Object>(
    _ object: Object, _ id: String, walk: Walk<Object>, keeping: [String: (value: String, ciphertext: String)]
  ) throws(StoreError) -> Object {
    var firstError: StoreError?
    let result = walk(object) { value, path in
      if let kept = keeping[path], kept.value == value { return kept.ciphertext }
      do throws(StoreError) { return try sealText(value, path: id + "/" + path) } catch {
        if firstError == nil { firstError = error }
        return value
      }
    }
    if let firstError { throw firstError }
    return result
  }

  /// Applies `transform` to every secret value of a connection, as text, with its path.
  static func mapSecrets(_ connection: Connection, _ transform: (String, String) -> String) -> Connection {
    var result = connection
    let marked = connection.base.markedSecretKeys
    if let password = connection.base.fields[.password] {
      result.base.fields[.password] = transform(password, "base/password")
    }
    if !connection.base.extra.isEmpty,
      let mapped = mapExtra(connection.base.extra, marked: marked, path: "base/extra", transform)
    {
      result.base.extra = mapped
    }
    // Most links override nothing secret; they are left alone rather than rebuilt.
    for (deployment, link) in connection.links where link.fields[.password] != nil || !link.extraSet.isEmpty {
      var sealed = link
      if let password = link.fields[.password] {
        sealed.fields[.password] = transform(password, "links/\(deployment)/password")
      }
      if !link.extraSet.isEmpty,
        let mapped = mapExtra(link.extraSet, marked: marked, path: "links/\(deployment)/extra", transform)
      {
        sealed.extraSet = mapped
      }
      result.links[deployment] = sealed
    }
    return result
  }

  static func mapSecrets(_ variable: Variable, _ transform: (String, String) -> String) -> Variable {
    guard variable.isSecret else { return variable }
    var result = variable
    result.base.value = transform(variable.base.value, "base/value")
    for (deployment, link) in variable.links {
      if let value = link.value {
        result.links[deployment] = VariableOverride(value: transform(value, "links/\(deployment)/value"))
      }
    }
    return result
  }

  /// Secret extra values are sealed whole: their JSON text is what is encrypted. Nil when
  /// nothing in `extra` is secret: loading 10,000 connections then copies no dictionary.
  private static func mapExtra(
    _ extra: [String: JSONValue], marked: Set<String>, path: String, _ transform: (String, String) -> String
  ) -> [String: JSONValue]? {
    var result: [String: JSONValue]?
    // A path is made only for a value that is secret or holds members (loading 10,000
    // connections walks every extra key).
    for (key, value) in extra {
      if marked.contains(key) || Secrecy.isSecret(extraKey: key) {
        if result == nil { result = extra }
        result![key] = decodedValue(transform(encodedText(value), path + "/" + escape(key)))
      } else if value.objectValue != nil || value.arrayValue != nil,
        let mapped = mapNested(value, path: path + "/" + escape(key), transform)
      {
        if result == nil { result = extra }
        result![key] = mapped
      }
    }
    return result
  }

  /// A nested value with its secret members mapped; nil when it holds none.
  private static func mapNested(_ value: JSONValue, path: String, _ transform: (String, String) -> String)
    -> JSONValue?
  {
    switch value {
    case .object(let members):
      return mapExtra(members, marked: [], path: path, transform).map(JSONValue.object)
    case .array(let items):
      let mapped = items.enumerated().map { mapNested($0.element, path: path + "/\($0.offset)", transform) }
      guard mapped.contains(where: { $0 != nil }) else { return nil }
      return .array(zip(items, mapped).map { item, mapped in mapped ?? item })
    default: return nil
    }
  }

  /// A secret extra value as text: sealed envelopes and locked markers pass as they are;
  /// a plaintext value is tagged with its JSON text so that its type survives the round trip.
  private static func encodedText(_ value: JSONValue) -> String {
    if case .string(let text) = value, text.hasPrefix(envelopePrefix) || Secrecy.lock(of: text) != nil {
      return text
    }
    return jsonTag + value.compactText
  }

  /// Marks decrypted text that is an extra value's JSON, as opposed to a password's text.
  static let jsonTag = "\u{2}json:"

  /// An extra value back from its text: envelopes and locked markers stay strings.
  private static func decodedValue(_ text: String) -> JSONValue {
    guard text.hasPrefix(jsonTag) else { return .string(text) }
    return (try? JSONValue.parse(String(text.dropFirst(jsonTag.count)))) ?? .string(text)
  }

  private static func escape(_ key: String) -> String {
    // Nearly no key holds either character: Foundation's replacing is skipped for them.
    guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
    return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
  }

  // MARK: One value

  /// The field's identity: Workspace, then `<object id>/<field path>`, where an override's
  /// path names the Deployment of its link (`links/<deployment id>/password`).
  private func additionalData(_ path: String) -> Data {
    Data("airenv/v1|\(workspace)|\(path)".utf8)
  }

  private func sealText(_ value: String, path: String) throws(StoreError) -> String {
    if value.hasPrefix(Self.envelopePrefix) { return value }
    if let (_, ciphertext) = Secrecy.lock(of: value) { return ciphertext }
    if value == Secrecy.missingStored { return value }
    guard let key else { throw .keyProblem("no encryption key") }
    do {
      let box = try AES.GCM.seal(Data(value.utf8), using: key.symmetric, authenticating: additionalData(path))
      return Self.envelopePrefix + box.combined!.base64EncodedString()
    } catch {
      throw .keyProblem("cannot encrypt: \(error)")
    }
  }

  private func unsealText(_ stored: String, path: String) -> String {
    if stored == Secrecy.missingStored { return Secrecy.missingValue }
    guard stored.hasPrefix(Self.envelopePrefix) else { return stored }
    guard let key else { return Secrecy.lockedValue(.locked, ciphertext: stored) }
    guard let combined = Data(base64Encoded: String(stored.dropFirst(Self.envelopePrefix.count))),
      let box = try? AES.GCM.SealedBox(combined: combined),
      let plaintext = try? AES.GCM.open(box, using: key.symmetric, authenticating: additionalData(path))
    else {
      return Secrecy.lockedValue(keyIsRepositorys ? .tampered : .locked, ciphertext: stored)
    }
    return String(decoding: plaintext, as: UTF8.self)
  }
}
