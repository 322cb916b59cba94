import AirenvModel
import Crypto
import Foundation

/// Keyed digests of secrets delivered to a target: the same value gives the same digest for the
/// same Deployment and target, and nobody without the repository's key can test a guess.
public struct SecretDigester: Sendable {
  private let key: SymmetricKey?

  init(key: EncryptionKey?, workspace: WorkspaceID, deployment: DeploymentID, target: String) {
    self.key = key.map {
      HKDF<SHA256>.deriveKey(
        inputKeyMaterial: $0.symmetric,
        info: Data("airenv/delivery|\(workspace)|\(deployment)|\(target)".utf8),
        outputByteCount: 32)
    }
  }

  /// `hmac-sha256:` and 64 hexadecimal digits; nil without a key (no secret was ever stored).
  public func digest(_ value: String, field: String) -> String? {
    guard let key else { return nil }
    let code = HMAC<SHA256>.authenticationCode(for: Data((field + "\u{0}" + value).utf8), using: key)
    return "hmac-sha256:" + hexadecimal(code)
  }
}

/// One saved apply or pull, for the history: counts by what happened.
public struct DeliveryNote: Sendable {
  public var user: String
  public var command: String
  public var counts: [(String, Int)]

  public init(user: String, command: String, counts: [(String, Int)]) {
    self.user = user
    self.command = command
    self.counts = counts
  }
}

extension Repository {
  /// What airenv last delivered to a Deployment's target; nil when it never delivered there.
  public func deliveryRecord(workspace: WorkspaceID, deployment: DeploymentID) throws(StoreError)
    -> DeliveryRecord?
  {
    try locked(exclusive: false) { () throws(StoreError) -> DeliveryRecord? in
      try loadDeliveryRecord(workspace: workspace, deployment: deployment)
    }
  }

  func loadDeliveryRecord(workspace: WorkspaceID, deployment: DeploymentID) throws(StoreError)
    -> DeliveryRecord?
  {
    let path = layout.delivery(workspace) + "/\(deployment).json"
    guard FileSystem.exists(path) else { return nil }
    let bytes = try FileSystem.read(path, limit: Limits.historyFileBytes)
    try refuseUnsignedRecord(bytes, at: path, workspace: workspace, deployment: deployment)
    let record = try StoredFile.decode(DeliveryRecord.self, from: bytes, path: path)
    // Ids in the record decide what `--prune` deletes: one that no airenv object could have is
    // refused, as a hand edit of an object file would be.
    for (kind, ids) in [("connections", record.connections.keys), ("variables", record.variables.keys)] {
      for id in ids.sorted() {
        if let problem = IdentifierRules.problem(withObjectKey: id) {
          throw .corrupt(
            path: path, line: nil, column: nil,
            reason:
              "\(kind).\(id.prefix(80)) is not an id airenv could have applied (\(problem)); restore the file "
              + "from git or delete it (the next plan then treats every object there as not airenv's)")
        }
      }
    }
    return record
  }

  /// The record names the objects in Airflow that are airenv's: what `apply --prune` deletes and
  /// what an apply overwrites without `--adopt`. Where changes are signed, it counts only when
  /// signed (`<deployment>.sig` beside it) by an Owner or Operator of the member list signed
  /// changes made, with the key it records for them: one written by hand (a Member who can
  /// push naming someone's Airflow rows) is refused, never planned with.
  private func refuseUnsignedRecord(
    _ bytes: [UInt8], at path: String, workspace: WorkspaceID, deployment: DeploymentID
  ) throws(StoreError) {
    let header = try loadHeader(workspace).workspace
    guard try verifies(header) else { return }
    let trusted = trustedMembers(of: header)
    let state = trusted.map { $0.anchor == nil ? MemberState(header) : $0.state } ?? MemberState(header)
    let signaturePath = layout.delivery(workspace) + "/\(deployment)" + HistorySignature.fileExtension
    func refuse(_ reason: String) -> StoreError {
      .unverifiedDeliveryRecord(path: path, reason: reason)
    }
    guard FileSystem.exists(signaturePath) || FileSystem.isLink(signaturePath) else {
      throw refuse("it is not signed (written by hand, or by an airenv before records were signed)")
    }
    let signature = try FileSystem.read(signaturePath, limit: HistorySignature.largestFile)
    guard let signer = try? JSONDecoder().decode(HistorySignature.self, from: Data(signature)).user else {
      throw refuse("its signature file is damaged")
    }
    let verdict = HistoryVerification.of(
      entry: bytes, workspace: workspace, fileName: Self.deliveryFileName(deployment), user: signer,
      signature: signature, recorded: state.keys)
    guard verdict == .verified else {
      throw refuse(
        (verdict.reason ?? "its signature does not hold").replacingOccurrences(
          of: "the entry", with: "the record"))
    }
    guard (state.members[signer] ?? .member) >= .`operator` else {
      throw refuse(
        "it is signed by \(signer.prefix(80)), whom signed changes by Owners do not make an Owner or Operator (now)"
      )
    }
  }

  /// The name a record's signature binds it to (with its Workspace): a record copied to another
  /// Deployment, or from another Workspace, proves nothing.
  static func deliveryFileName(_ deployment: DeploymentID) -> String { "delivery/\(deployment).json" }

  /// The digester for secrets delivered to `deployment`'s `target`.
  public func secretDigester(workspace: WorkspaceID, deployment: DeploymentID, target: String)
    throws(StoreError)
    -> SecretDigester
  {
    let key = try locked(exclusive: false) { () throws(StoreError) in try secretKey(for: workspace).key }
    return SecretDigester(key: key, workspace: workspace, deployment: deployment, target: target)
  }

  /// Saves a Deployment's delivery record atomically; with `note`, together with one history
  /// entry that says what was applied (an intent saved before sending has none).
  public func saveDelivery(
    _ record: DeliveryRecord, workspace: WorkspaceID, deployment: Deployment, by user: String,
    note: DeliveryNote?
  ) throws {
    try withLock(exclusive: true) { () throws in
      // An apply runs unlocked for minutes; the Deployment (or its Workspace) may have been
      // deleted meanwhile. Its record is then not written, nor its directory made again.
      guard FileSystem.exists(layout.deployments(workspace) + "/\(deployment.id).json") else {
        throw StoreError.io(
          path: layout.deployments(workspace),
          reason: "Deployment \(deployment.name) was deleted while it was being applied to; what was "
            + "applied is not recorded")
      }
      let path = layout.delivery(workspace) + "/\(deployment.id).json"
      let bytes = StoredFile.encode(record)
      var writes: [(path: String, bytes: [UInt8])] = [(path, bytes)]
      // Signed by whoever applies, so that the next plan can tell it from one written by hand.
      let signaturePath = layout.delivery(workspace) + "/\(deployment.id)" + HistorySignature.fileExtension
      var deletes: [String] = []
      if let identity = held.identity(of: user) {
        writes.append(
          (
            signaturePath,
            try HistorySignature.make(
              for: bytes, workspace: workspace, fileName: Self.deliveryFileName(deployment.id), by: identity)
          ))
      } else if FileSystem.exists(signaturePath) {
        // A signature of an earlier record would not hold for this one.
        deletes.append(signaturePath)
      }
      if let note {
        let (sequence, time, fileName) = try nextHistoryEntry(workspace, at: Date())
        let change = ObjectChange(
          kind: "delivery", id: deployment.id, key: deployment.name,
          fields: note.counts.filter { $0.1 > 0 }.map {
            FieldChange(name: $0.0, before: nil, after: .integer(Int64($0.1)), secret: false)
          }, before: nil, afterDigest: nil, revision: nil)
        let entry = HistoryEntry(
          sequence: sequence, time: time, user: note.user, command: note.command, deployment: deployment.name,
          changes: [change], undoes: nil, redoes: nil)
        writes += try historyWrites(entry, named: fileName, workspace: workspace)
      }
      for directory in Set(writes.map { ($0.path as NSString).deletingLastPathComponent }) {
        try FileSystem.makeDirectory(directory)
      }
      try Journal.commit(writes: writes, deletes: deletes, layout: layout)
    }
  }
}
