import AirenvModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An object whose stored form cannot be shown to be the work of a member allowed to make it:
/// edited outside airenv, written by a member whose role may not change it, or naming a change
/// that is unsigned or not verifiable. Export and delivery refuse it until an Owner or Operator
/// approves it (`airenv approve`), which signs it anew.
public struct UnverifiedObject: Equatable, Sendable {
  /// connection, variable or deployment.
  public var kind: String
  public var id: String
  /// The conn_id, key or Deployment name.
  public var name: String
  /// The object's file, inside the repository.
  public var path: String
  public var reason: String

  /// The command that approves it (the name single-quoted for a shell where it needs to be).
  public var approval: String {
    let plain = name.utf8.allSatisfy { byte in
      (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || [UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ".")].contains(byte)
    }
    let quoted = plain ? name : "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return "airenv approve \(kind) \(quoted)"
  }

  /// One line for a refusal or a listing.
  public var description: String { "\(kind) \(name) (\(path)): \(reason)" }
}

/// What a history entry vouches for, as read once: who made it, whether the signature holds,
/// and the digest of each object it wrote.
struct EntryFacts: Sendable {
  var user: String
  var sequence: Int
  var verdict: HistoryVerification
  /// Object id → digest of what the entry wrote (`ObjectChange.afterDigest`).
  var wrote: [String: String]
  /// Object id → digest of what the entry sealed again with a new data key (`sealed`).
  var sealed: [String: String]
  /// The recorded public identity the verdict was reached with.
  var recordedKey: String?
}

extension Repository {
  /// The objects of `workspace` (as read: a partial read verifies only what it holds) that are
  /// not verified, by id. Empty in a repository that keeps no identities (`key migrate`, `init`):
  /// there every member holds the one key, and no change is signed to be checked against.
  ///
  /// An object is verified when the history entry its stamp names is signed by the key the
  /// Workspace records for that entry's user, that user's role may change the Workspace, and
  /// the entry recorded exactly the object as stored (its digest, stamp aside) and its author.
  public func unverifiedObjects(in workspace: Workspace) throws(StoreError) -> [String: UnverifiedObject] {
    try locked(exclusive: false) { () throws(StoreError) in
      guard try usesDataKeys() else { return [:] }
      return verify(workspace)
    }
  }

  private struct Candidate: Sendable {
    var kind: String
    var id: String
    var name: String
    var directory: String
    var stamp: Stamp
  }

  func verify(_ workspace: Workspace) -> [String: UnverifiedObject] {
    let id = workspace.id
    let candidates =
      workspace.deployments.map {
        Candidate(kind: "deployment", id: $0.id, name: $0.name, directory: "deployments", stamp: $0.stamp)
      }
      + workspace.connections.map {
        Candidate(kind: "connection", id: $0.id, name: $0.key, directory: "connections", stamp: $0.stamp)
      }
      + workspace.variables.map {
        Candidate(kind: "variable", id: $0.id, name: $0.key, directory: "variables", stamp: $0.stamp)
      }
    let base = layout.workspaceDirectory(id)
    let history = layout.history(id)
    let now = time(nil)
    let settleSeconds = settleSeconds
    let members = VerificationCache.members(of: workspace)
    let cachePath = cacheDirectory.map { VerificationCache.path(in: $0, root: root, workspace: id) }
    let cached = cachePath.flatMap { VerificationCache(readingFrom: $0) }.flatMap {
      $0.members == members ? $0 : nil
    }
    // Each entry named, its files as they are now: a verdict relying on it holds while they do.
    var files: [String: VerificationCache.EntryFiles] = [:]
    for name in Set(candidates.compactMap(\.stamp.entry)) where RepositoryLayout.isHistoryStem(name) {
      if let entry = FileSignature(path: history + "/" + name + ".json") {
        files[name] = VerificationCache.EntryFiles(
          entry: entry,
          signature: FileSignature(path: history + "/" + HistorySignature.fileName(forEntry: name + ".json")))
      }
    }
    let entryFiles = files
    // What the cache vouches for, each object file stat'ed once.
    let looked = candidates.concurrentMap { candidate -> (FileSignature?, VerificationCache.Verdict?) in
      let file = candidate.directory + "/" + candidate.id + ".json"
      let signature = FileSignature(path: base + "/" + file)
      guard let signature, let entry = candidate.stamp.entry, let verdict = cached?.objects[file],
        verdict.signature == signature, verdict.entry == entry, let files = entryFiles[entry],
        cached?.entries[entry] == files
      else { return (signature, nil) }
      return (signature, verdict)
    }
    let missing = Set(
      zip(candidates, looked).filter { $0.1.1 == nil }.compactMap(\.0.stamp.entry)
    ).sorted()
    let facts = Dictionary(
      uniqueKeysWithValues: zip(
        missing,
        missing.concurrentMap { name in
          entryFacts(name, in: history, workspace: id, recorded: workspace.memberKeys)
        }))
    let reasons = zip(candidates, looked).map { ($0, $1) }.concurrentMap { candidate, looked -> String? in
      if let verdict = looked.1 { return verdict.reason }
      return reason(
        candidate, path: base + "/" + candidate.directory + "/\(candidate.id).json",
        entry: candidate.stamp.entry.flatMap { facts[$0] ?? nil }, in: workspace, now: now,
        settleSeconds: settleSeconds)
    }
    var unverified: [String: UnverifiedObject] = [:]
    var verdicts: [String: VerificationCache.Verdict] = [:]
    var entriesUsed: [String: VerificationCache.EntryFiles] = [:]
    for ((candidate, (signature, _)), reason) in zip(zip(candidates, looked), reasons) {
      let file = candidate.directory + "/" + candidate.id + ".json"
      if let reason {
        unverified[candidate.id] = UnverifiedObject(
          kind: candidate.kind, id: candidate.id, name: candidate.name,
          path: layout.relative(base + "/" + file), reason: reason)
      }
      // Kept for the next command while the object's file and its entry's have settled.
      guard let signature, signature.isSettled(now: now, after: settleSeconds),
        let entry = candidate.stamp.entry,
        let files = entryFiles[entry], files.entry.isSettled(now: now, after: settleSeconds),
        files.signature?.isSettled(now: now, after: settleSeconds) ?? true
      else { continue }
      verdicts[file] = VerificationCache.Verdict(signature: signature, entry: entry, reason: reason)
      entriesUsed[entry] = files
    }
    let fresh = VerificationCache(members: members, objects: verdicts, entries: entriesUsed)
    if let cachePath, fresh != cached { fresh.write(to: cachePath) }
    return unverified
  }

  /// Why `candidate`, whose file is at `path`, is unverified against `entry` (the facts of the
  /// entry its stamp names, nil when it names none or it cannot be read); nil when it is verified.
  private func reason(
    _ candidate: Candidate, path: String, entry: EntryFacts?, in workspace: Workspace, now: time_t,
    settleSeconds: Int
  ) -> String? {
    guard let entryName = candidate.stamp.entry else {
      return "no signed change of airenv names it as its author (written by hand, or by an airenv before "
        + "changes were signed)"
    }
    guard let entry else {
      return "the change it names (\(entryName)) is not in the history, or cannot be read"
    }
    let change = "change #\(entry.sequence) by \(entry.user.prefix(80))"
    if entry.verdict != .verified {
      return "\(change) that wrote it is \(entry.verdict.label)"
        + (entry.verdict.reason.map { ": \($0)" } ?? "")
    }
    guard let role = workspace.members[entry.user], role >= .`operator` else {
      return "\(change) that wrote it was made by "
        + (workspace.members[entry.user].map { "\($0 == .member ? "a" : "an") \($0.title), who" }
          ?? "someone who is no member and")
        + " may not change this Workspace"
    }
    let directory = path.parent
    guard let digest = objectDigest(path, in: directory, now: now, settleSeconds: settleSeconds) else {
      return "its file cannot be read"
    }
    if entry.sealed[candidate.id] == digest { return nil }
    guard entry.wrote[candidate.id] == digest else {
      return "it is not what \(change) wrote (edited outside airenv?)"
    }
    guard candidate.stamp.updatedBy == entry.user else {
      return "it names \(candidate.stamp.updatedBy.prefix(80)) as its author, but \(change) wrote it"
    }
    return nil
  }

  /// The facts of the entry `name` (a stem, checked to be one), kept while its file and its
  /// signature's file keep their signatures and the user's recorded key is the same.
  private func entryFacts(
    _ name: String, in directory: String, workspace: WorkspaceID, recorded: [String: String]
  ) -> EntryFacts? {
    let fileName = name + ".json"
    guard RepositoryLayout.isHistoryStem(name) else { return nil }
    let path = directory + "/" + fileName
    let signaturePath = directory + "/" + HistorySignature.fileName(forEntry: fileName)
    guard let (bytes, signature) = try? FileSystem.readWithSignature(path, limit: Limits.historyFileBytes),
      let signature
    else { return nil }
    let signatureBytes = try? FileSystem.readWithSignature(signaturePath, limit: HistorySignature.largestFile)
    let variant = signatureBytes?.signature.map(\.text) ?? "unsigned"
    if let known = verifiedEntries.value(
      in: directory, named: fileName, signature: signature, variant: variant),
      known.recordedKey == recorded[known.user]
    {
      return known
    }
    guard
      let entry = try? Self.historyEntry(
        StoredFile.read(HistoryEntry.self, from: bytes, path: path), named: fileName, path: path)
    else { return nil }
    var wrote: [String: String] = [:]
    for change in entry.changes {
      if let digest = change.afterDigest { wrote[change.id] = digest }
    }
    let facts = EntryFacts(
      user: entry.user, sequence: entry.sequence,
      verdict: HistoryVerification.of(
        entry: bytes, workspace: workspace, fileName: fileName, user: entry.user,
        signature: signatureBytes?.bytes, recorded: recorded[entry.user]),
      wrote: wrote, sealed: entry.sealed ?? [:], recordedKey: recorded[entry.user])
    if signature.isSettled(now: time(nil), after: settleSeconds) {
      verifiedEntries.store(facts, in: directory, named: fileName, signature: signature, variant: variant)
    }
    return facts
  }

  /// The digest of an object file as history entries record it (`ContentDigest`), kept while
  /// the file keeps its signature.
  private func objectDigest(_ path: String, in directory: String, now: time_t, settleSeconds: Int) -> String?
  {
    let name = String(path.dropFirst(directory.count + 1))
    if let signature = FileSignature(path: path),
      let known = objectDigests.value(in: directory, named: name, signature: signature, variant: "")
    {
      return known
    }
    guard let (bytes, signature) = try? FileSystem.readWithSignature(path, limit: Limits.objectFileBytes)
    else { return nil }
    let stored =
      StrictJSONReader.value(of: bytes) ?? (try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)))
    guard let digest = ContentDigest.of(stored) else { return nil }
    if let signature, signature.isSettled(now: now, after: settleSeconds) {
      objectDigests.store(digest, in: directory, named: name, signature: signature, variant: "")
    }
    return digest
  }
}
