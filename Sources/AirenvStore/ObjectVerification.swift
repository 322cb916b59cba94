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
  /// connection, variable, deployment or workspace (its member list and settings).
  public var kind: String
  public var id: String
  /// The conn_id, key or Deployment name.
  public var name: String
  /// The object's file, inside the repository.
  public var path: String
  public var reason: String
  /// Its file is gone: approving it records its deletion (see `Repository.approveDeletions`).
  public var fileGone = false

  /// The command that approves it (the name single-quoted for a shell where it needs to be).
  public var approval: String {
    let plain = name.utf8.allSatisfy { byte in
      (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        || [UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ".")].contains(byte)
    }
    let quoted = plain ? name : "'" + name.replacingOccurrences(of: "'", with: "'\\''") + "'"
    if kind == "workspace" { return "airenv approve workspace" }
    return "airenv approve \(kind) \(fileGone ? id : quoted)"
  }

  /// One line for a refusal or a listing.
  public var description: String { "\(kind) \(name) (\(path)): \(reason)" }
}

/// What a history entry vouches for, as read once: who made it, whether the signature holds,
/// and the digest of each object it wrote.
struct EntryFacts: Sendable {
  var user: String
  /// Whose signature vouches for the entry: its user's, or after `history purge` the purger's.
  var signer: String
  var sequence: Int
  var verdict: HistoryVerification
  /// Object id → digest of what the entry wrote (`ObjectChange.afterDigest`).
  var wrote: [String: String]
  /// Object id → digest of what the entry sealed again with a new data key (`sealed`).
  var sealed: [String: String]
  /// The objects the entry deleted.
  var deleted: Set<String> = []
  /// The signer's recorded public identity the verdict was reached with.
  var recordedKey: String?
  /// What the entry did to the Workspace's header (its member list), when it changed it.
  var header: HeaderFacts?
}

/// Who made a signed history entry and with which key its signature held: what decides whether
/// the entry counts (`Repository.authorProblem`).
struct EntryAuthor: Equatable, Sendable {
  var user: String
  /// Whose signature vouches for it: its user's, or after `history purge` the purger's.
  var signer: String
  var purged: Bool
  /// The public identity the signature was checked against (the one recorded then).
  var key: String?
}

extension EntryAuthor {
  init(_ facts: EntryFacts) {
    self.init(
      user: facts.user, signer: facts.signer, purged: facts.verdict.signer != nil, key: facts.recordedKey)
  }
}

extension Repository {
  /// The objects of `workspace` (as read: a partial read verifies only what it holds) that are
  /// not verified, by id. Empty in a repository that keeps no identities (`key migrate`, `init`):
  /// there every member holds the one key, and no change is signed to be checked against.
  ///
  /// An object is verified when the history entry its stamp names is signed by the key the
  /// Workspace records for that entry's user, which is the key an Owner wrapped the data key for
  /// (the signed envelope), that user's role may change the Workspace, and the entry recorded
  /// exactly the object as stored (its digest, stamp aside) and its author.
  /// With `whole` (a Workspace read whole, as export and delivery read it), an object whose file
  /// is gone though no signed change deleted it is reported too (by id, its kind from the id).
  public func unverifiedObjects(in workspace: Workspace, whole: Bool = false) throws(StoreError) -> [String:
    UnverifiedObject]
  {
    try locked(exclusive: false) { () throws(StoreError) in
      guard try verifies(workspace) else { return [:] }
      return verify(workspace, whole: whole)
    }
  }

  /// Whether objects of `workspace` are verified: where Workspaces keep data keys, which its
  /// header recording a key's fingerprint says too (the index's mark and `keys.json` alone could
  /// be removed by hand to turn verification off).
  public func verifiesObjects(in workspace: Workspace) throws(StoreError) -> Bool {
    if workspace.dataKeyFingerprint != nil { return true }
    return try locked(exclusive: false) { () throws(StoreError) in try verifies(workspace) }
  }

  /// The same, for a caller that holds the lock.
  func verifies(_ workspace: Workspace) throws(StoreError) -> Bool {
    if workspace.dataKeyFingerprint != nil || requiresVerification { return true }
    return try usesDataKeys() || beganVerifying(workspace.id)
  }

  /// Whether the Workspace is one that verifies, by what a hand edit cannot take away with the
  /// index's mark, the header's fingerprint and `keys.json` (which would turn every check off):
  /// this machine saw its member list replayed (its anchor is pinned), or its history begins
  /// with a signed creation under a data key. Asked once per process.
  private func beganVerifying(_ id: WorkspaceID) -> Bool {
    replays.beganVerifying(id) {
      if let directory = cacheDirectory,
        AnchorPin.isMarkedVerifying(AnchorPin.path(in: directory, root: root, workspace: id))
      {
        return true
      }
      let history = layout.history(id)
      // A creation is a small entry; a first entry of megabytes (an import) is none, unread.
      guard let first = (try? FileSystem.jsonFiles(in: history))?.first,
        let bytes = try? FileSystem.read(history + "/" + first, limit: 64 << 10),
        case .object(let entry)? = JSONValue.stored(bytes),
        entry["command"]?.stringValue == "workspace create",
        // Signed as it stands (by whom is the replay's to judge): a file anyone drops in
        // unsigned does not turn checks on in a shared-key repository.
        let signature = try? FileSystem.read(
          history + "/" + HistorySignature.fileName(forEntry: first), limit: HistorySignature.largestFile),
        HistorySignature.selfConsistentSigner(
          of: bytes, workspace: id, fileName: first, signature: signature) != nil
      else { return false }
      return (entry["changes"]?.arrayValue ?? []).contains { change in
        change.objectValue?["after"]?.objectValue?["dataKey"]?.stringValue != nil
      }
    }
  }

  /// Whether a change `user` signs can verify in `workspace`: they may change it, and their
  /// recorded key is the one an Owner wrapped the data key for (not so for someone made an
  /// Operator by hand, or by a merge no Owner's save followed).
  public func signsVerifiably(_ user: String, in workspace: Workspace) throws(StoreError) -> Bool {
    try locked(exclusive: false) { () throws(StoreError) in
      let trusted = trustedMembers(of: workspace)?.state ?? MemberState(workspace)
      guard let recorded = trusted.keys[user], (trusted.members[user] ?? .member) >= .`operator`,
        workspace.memberKeys[user] == recorded
      else {
        return false
      }
      return try verifiedEnvelope(workspace.id)?.wrapped[user]?.recipient == recorded
    }
  }

  /// Whether `user` is an Owner of `workspace` by the member list signed changes made, with the
  /// key the header records for them (the one an approval is signed with).
  public func isTrustedOwner(_ user: String, in workspace: Workspace) throws(StoreError) -> Bool {
    try locked(exclusive: false) { () throws(StoreError) in
      let trusted = trustedMembers(of: workspace)?.state ?? MemberState(workspace)
      return trusted.members[user] == .owner && trusted.keys[user] != nil
        && trusted.keys[user] == workspace.memberKeys[user]
    }
  }

  /// Refuses a change of the member list, settings or data key by `user` unless signed changes
  /// by Owners made them an Owner with a recorded key (`trusted`, replayed; nil where nothing is
  /// replayed, and the list as stored is all there is): a change by someone `workspace.json`
  /// alone calls an Owner would count for nothing, and an envelope they signed opens nothing.
  static func requireOwner(_ user: String, of workspace: Workspace, by trusted: TrustedMembers?)
    throws(StoreError)
  {
    guard let trusted, trusted.anchor != nil else { return }
    guard trusted.state.members[user] == .owner, trusted.state.keys[user] != nil else {
      throw .notTrustedOwner(user: user, workspace: workspace.name)
    }
  }

  /// Two names of the member list, as stored or as signed changes by Owners made it, that could
  /// be taken for one another (`UserNameLikeness`): a hand edit that replaces `alice` by `аlice`
  /// puts no two such names in the file, but one beside the list it would replace.
  public func alikeMemberNames(in workspace: Workspace) throws(StoreError) -> (String, String)? {
    try locked(exclusive: false) { () throws(StoreError) -> (String, String)? in
      var names = Set(workspace.members.keys).union(workspace.memberKeys.keys)
      if try verifies(workspace), let trusted = trustedMembers(of: workspace)?.state {
        names.formUnion(trusted.members.keys)
        names.formUnion(trusted.keys.keys)
      }
      return UserNameLikeness.firstAlikePair(in: names)
    }
  }

  /// The signed changes of the member list of Workspace `name` that do not count in its replay
  /// (`TrustedMembers.uncounted`), by entry name, with why: voided, dated back, or made by
  /// someone no Owner made an Owner. Empty where nothing is verified.
  public func uncountedMemberChanges(workspace name: String?) throws(StoreError) -> [String: String] {
    try locked(exclusive: false) { () throws(StoreError) in
      let workspace = try loadHeader(try chooseWorkspace(name).id).workspace
      guard try verifies(workspace) else { return [:] }
      return trustedMembers(of: workspace)?.uncounted ?? [:]
    }
  }

  /// The history's name for `airenv approve`: the one change that may vouch for unverified objects.
  public static let approval = "approve"
  /// The history's name for an approval of the member list as stored (`airenv approve workspace`,
  /// or `approve --all` with the member list among what it approves): the one change of the
  /// header the replay takes whole, and the one save that wraps the data key for the readers
  /// `workspace.json` names. Any other approval's change of the header counts for what it
  /// changed, as a save's does.
  public static let memberListApproval = "approve workspace"

  /// Refuses a change that rewrites objects of `workspace` (by id) nobody allowed to has vouched
  /// for: saved, they would name the change's signed entry, which would vouch for what someone
  /// else put there. `airenv approve` is the way to vouch for them, knowingly.
  func refuseVouching(for workspace: Workspace, changing ids: Set<String>) throws(StoreError) {
    var changed = workspace
    changed.deployments.removeAll { !ids.contains($0.id) }
    changed.connections.removeAll { !ids.contains($0.id) }
    changed.variables.removeAll { !ids.contains($0.id) }
    // A save does not vouch for a member list edited by hand: the replay takes only what the
    // save changed in it (`TrustedMembers`), and `approve workspace` the rest.
    let unverified = verify(changed, learning: false).values.filter { $0.kind != "workspace" }.sorted {
      ($0.kind, $0.name) < ($1.kind, $1.name)
    }
    guard let first = unverified.first else { return }
    throw .unverifiedChange(objects: unverified.map(\.description), approval: first.approval)
  }

  /// The ids of the objects of `workspace` that are unverified as the member list of `members`
  /// (the Workspace after a membership change) judges them: a new data key seals them again
  /// without vouching for them. None in a repository that verifies nothing.
  func unverified(_ workspace: Workspace, members: Workspace) throws(StoreError) -> Set<String> {
    guard try verifies(workspace) else { return [] }
    return Set(verify(workspace, pending: (MemberState(workspace), MemberState(members))).keys)
  }

  /// The member list signed changes by Owners made (see `TrustedMembers`), with why the header
  /// as stored is not it; nil for a Workspace whose header no signed change records.
  func trustedMembers(of workspace: Workspace, headers: [String: HeaderFacts]) -> TrustedMembers? {
    let pinPath = cacheDirectory.map { AnchorPin.path(in: $0, root: root, workspace: workspace.id) }
    let pinned = pinPath.flatMap(AnchorPin.read)
    guard !headers.isEmpty || pinned != nil else {
      // Every Workspace with a data key has signed its creation since headers were signed: one
      // whose history records no change of its header had them removed (or is older than that).
      guard workspace.dataKeyFingerprint != nil || requiresVerification else { return nil }
      return TrustedMembers(
        state: MemberState(workspace),
        problem:
          "no signed change records its member list (the entries that did removed from the history, or a "
          + "Workspace older than signed member lists); restore the history from git, or an Owner who has "
          + "checked the member list approves it")
    }
    let digest = (try? FileSystem.read(layout.workspaceFile(workspace.id), limit: Limits.objectFileBytes))
      .flatMap { ContentDigest.of(file: $0) }
    let trusted = replays.replay(
      workspace.id,
      ReplayMemory.Input(
        headers: headers, current: MemberState(workspace), currentDigest: digest, pinned: pinned))
    if pinned == nil, let anchor = trusted?.anchor, let pinPath { AnchorPin.write(anchor, to: pinPath) }
    if workspace.dataKeyFingerprint != nil, trusted?.anchor != nil, let pinPath {
      AnchorPin.markVerifying(pinPath)
    }
    return trusted
  }

  /// The changes of the header of Workspace `id` a change of it now follows (`TrustedMembers.heads`);
  /// nil where no signed change records the header (a new change of it begins the replay).
  func headerParents(_ id: WorkspaceID) -> [String]? {
    guard let header = try? loadHeader(id) else { return nil }
    let workspace = header.workspace
    guard let trusted = trustedMembers(of: workspace), trusted.anchor != nil else { return nil }
    return trusted.heads
  }

  /// The same, for a caller outside `verify`: the history index read from the cache, brought up
  /// to date, and written back only where there was no cache yet (a command that only saves
  /// never writes verdicts, and would otherwise check every signature of the history each time).
  func trustedMembers(of workspace: Workspace) -> TrustedMembers? {
    let cachePath = cacheDirectory.map { VerificationCache.path(in: $0, root: root, workspace: workspace.id) }
    let known = cachePath.flatMap { verificationCaches.index(at: $0) }
    let learnt = latestChanges(
      in: layout.history(workspace.id), workspace: workspace.id, recorded: workspace.memberKeys, known: known)
    if known == nil, let cachePath, learnt.indexed.count + learnt.examined.names.count > 64 {
      // No verdicts: the next command that verifies objects reaches them, and keeps them.
      var index = VerificationCache(
        members: "", objects: [:], entries: [:], latest: learnt.latest, gone: learnt.gone,
        indexed: learnt.indexed)
      index.headers = learnt.headers
      index.examined = learnt.examined
      index.authors = learnt.authors
      index.vanished = learnt.vanished
      if index.write(to: cachePath) { verificationCaches.remember(index, at: cachePath) }
    }
    return trustedMembers(of: workspace, headers: learnt.headers)
  }

  /// Why an earlier version of an object that undo or redo would bring back (`stored`, as the
  /// history kept it) is unverified, or nil: the change its stamp names must have written exactly
  /// that, as for a file. (A later change touched it, of course: the one being undone.) After a
  /// purge, which sealed the earlier versions' secrets, the purger's signature vouches for them.
  func snapshotProblem(_ stored: JSONValue, kind: String, id: String, by judgement: SnapshotJudgement)
    -> String?
  {
    let workspace = judgement.judged
    guard case .object(let members) = stored, case .object(let stamp)? = members["stamp"] else {
      return "it has no stamp"
    }
    let candidate = Candidate(
      kind: kind, id: id, name: members["key"]?.stringValue ?? members["name"]?.stringValue ?? id,
      directory: "",
      stamp: Stamp(
        revision: 1, createdAt: Date(), createdBy: "", updatedAt: Date(),
        updatedBy: stamp["updatedBy"]?.stringValue ?? "", entry: stamp["entry"]?.stringValue))
    let entry = candidate.stamp.entry.flatMap {
      entryFacts($0, in: layout.history(workspace.id), workspace: workspace.id, recorded: judgement.recorded)
    }
    let digest = ContentDigest.of(stored)
    let purged = entry.map { $0.wrote[id] == ContentDigest.purged && $0.verdict.signer != nil } ?? false
    return reason(
      candidate, digest: { purged ? ContentDigest.purged : digest }, entry: entry, latest: nil, in: workspace,
      wrappedFor: judgement.wrappedFor)
  }

  /// What judging the earlier versions an undo or redo brings back needs, made once for all of
  /// them: the member list replayed, and whom the data key is wrapped for.
  struct SnapshotJudgement {
    /// The Workspace with the replayed roles and keys.
    var judged: Workspace
    /// The keys the Workspace records now, which entries' signatures are checked with.
    var recorded: [String: String]
    var wrappedFor: [String: String]
  }

  func snapshotJudgement(in workspace: Workspace) -> SnapshotJudgement {
    let trusted = trustedMembers(of: workspace)
    let envelope = try? verifiedEnvelope(workspace.id, replayed: trusted)
    return SnapshotJudgement(
      judged: trusted?.state.judging(workspace) ?? workspace, recorded: workspace.memberKeys,
      wrappedFor: (envelope?.wrapped ?? [:]).mapValues(\.recipient))
  }

  private struct Candidate: Sendable {
    var kind: String
    var id: String
    var name: String
    var directory: String
    var stamp: Stamp
  }

  /// Without `learning`, what this learns is not written to the cache (a save, which verifies
  /// the few objects it changes: the next read learns them).
  /// With `pending`, the member list is judged as a save changing the header from `before` to
  /// `after` leaves it (a membership change, before it is written).
  func verify(
    _ workspace: Workspace, learning: Bool = true, whole: Bool = false,
    pending: (before: MemberState, after: MemberState)? = nil
  ) -> [String: UnverifiedObject] {
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
    // The keys an Owner wrapped the data key for, as the stored member list (not a judged one)
    // makes the envelope count: an author's recorded key must be the one wrapped for them, so a
    // key swapped into the member list by hand, or a member raised by hand, signs nothing that
    // verifies.
    let now = time(nil)
    let settleSeconds = settleSeconds
    let cachePath = cacheDirectory.map { VerificationCache.path(in: $0, root: root, workspace: id) }
    // A save needs only the index and walks over the verdicts; a read keeps what it read.
    let stored = cachePath.flatMap { path in
      learning ? verificationCaches.cache(at: path) : verificationCaches.index(at: path)
    }
    let (
      latest, gone, indexed, touchedAnew, headers, examined, authors, vanishedBefore,
      newTouches
    ) =
      latestChanges(
        in: history, workspace: id, recorded: workspace.memberKeys, known: stored)
    // Roles and keys as signed changes by Owners made them, not as the header file says.
    let trusted = trustedMembers(of: workspace, headers: headers)
    let wrappedFor = ((try? verifiedEnvelope(id, replayed: trusted))??.wrapped ?? [:]).mapValues(\.recipient)
    let judged =
      trusted.map { trusted in
        (pending.map { trusted.state.applying(from: $0.before, to: $0.after) } ?? trusted.state).judging(
          workspace)
      } ?? workspace
    let judgedWorkspace = judged
    // Whether a change by `author` counts: a write, a deletion, or one whose leaving the history
    // leaves a doubt.
    func allowed(_ author: EntryAuthor?) -> Bool {
      author.map {
        Self.authorProblem($0, of: "", that: "", in: judgedWorkspace, wrappedFor: wrappedFor) == nil
      }
        ?? false
    }
    // A doubt clears where an entry new to this machine, by someone allowed, touched the object
    // (an approval); a stranger's entry, indexed under keys put in by hand, clears none, and
    // neither does an older entry left newest when a later one goes too.
    var vanished = vanishedBefore
    for (entry, record) in vanished {
      let open = record.objects.filter { id in !(newTouches[id] ?? []).contains { allowed(authors[$0]) } }
      vanished[entry]?.objects = open
      if open.isEmpty { vanished[entry] = nil }
    }
    // An object whose newest change this machine saw has left the history is in doubt, where
    // that change was made by someone allowed to change the Workspace now (a stranger's entry,
    // indexed under keys put in by hand, gone again, leaves no doubt).
    var newestVanished: [String: String] = [:]
    for (entry, record) in vanished where allowed(record.author) {
      for id in record.objects where newestVanished[id].map({ $0 < entry }) ?? true {
        newestVanished[id] = entry
      }
    }
    let doubted = newestVanished
    // Verdicts hold for the member list they were reached under; the history index always.
    let members = VerificationCache.members(of: judged, wrapped: wrappedFor, recorded: workspace.memberKeys)
    let cached = stored.flatMap { $0.members == members ? $0 : nil }
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
    // What the cache vouches for, each object file stat'ed once, relative to its open directory.
    let handles = Dictionary(
      uniqueKeysWithValues: ["deployments", "connections", "variables"].map { directory in
        (directory, open(base + "/" + directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC))
      })
    defer { for handle in handles.values where handle >= 0 { close(handle) } }
    let looked = candidates.concurrentMap { candidate -> (FileSignature?, VerificationCache.Verdict?) in
      let file = candidate.directory + "/" + candidate.id + ".json"
      let handle = handles[candidate.directory] ?? -1
      let signature =
        handle >= 0
        ? FileSignature(directory: handle, name: candidate.id + ".json")
        : FileSignature(path: base + "/" + file)
      guard let signature, let entry = candidate.stamp.entry, !touchedAnew.contains(candidate.id),
        doubted[candidate.id] == nil,
        let verdict = cached?.objects[file],
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
      if let entry = doubted[candidate.id] { return Self.doubt(entry) }
      let path = base + "/" + candidate.directory + "/\(candidate.id).json"
      return reason(
        candidate, digest: { objectDigest(path, in: path.parent, now: now, settleSeconds: settleSeconds) },
        entry: candidate.stamp.entry.flatMap { facts[$0] ?? nil }, latest: latest[candidate.id],
        in: judgedWorkspace,
        wrappedFor: wrappedFor)
    }
    var unverified: [String: UnverifiedObject] = [:]
    if let problem = trusted?.problem, pending == nil {
      unverified[id] = UnverifiedObject(
        kind: "workspace", id: id, name: workspace.name, path: layout.relative(layout.workspaceFile(id)),
        reason: "its member list is not what signed changes by Owners made it: \(problem)")
    }
    // The verdicts on objects this read did not hold (a listing of one kind) are kept, but for
    // those a change new since touched.
    var verdicts = learning ? cached?.objects ?? [:] : [:]
    if learning && !touchedAnew.isEmpty {
      verdicts = verdicts.filter { file, _ in
        !touchedAnew.contains(String(file.drop { $0 != "/" }.dropFirst().dropLast(".json".count)))
      }
    }
    var entriesUsed = cached?.entries ?? [:]
    // Written again only when this read learnt something: most reads reuse every verdict.
    var learnt =
      stored == nil || cached == nil || !touchedAnew.isEmpty || stored?.indexed != indexed
      || stored?.examined != examined || stored?.authors != authors || stored?.vanished != vanished
    for ((candidate, (signature, reused)), reason) in zip(zip(candidates, looked), reasons) {
      let file = candidate.directory + "/" + candidate.id + ".json"
      if let reason {
        unverified[candidate.id] = UnverifiedObject(
          kind: candidate.kind, id: candidate.id, name: candidate.name,
          path: layout.relative(base + "/" + file), reason: reason)
      }
      if reused != nil || !learning || doubted[candidate.id] != nil { continue }
      verdicts[file] = nil
      // Kept for the next command while the object's file and its entry's have settled.
      guard let signature, signature.isSettled(now: now, after: settleSeconds),
        let entry = candidate.stamp.entry,
        let files = entryFiles[entry], files.entry.isSettled(now: now, after: settleSeconds),
        files.signature?.isSettled(now: now, after: settleSeconds) ?? true
      else { continue }
      verdicts[file] = VerificationCache.Verdict(signature: signature, entry: entry, reason: reason)
      entriesUsed[entry] = files
      learnt = true
    }
    // A file gone though the newest signed change of its object did not delete it: delivery
    // would delete the object from Airflow.
    if whole {
      let present = Set(candidates.map(\.id))
      var deletionCounts: [String: Bool] = [:]
      for (id, entry) in latest where !present.contains(id) {
        let kind =
          id.hasPrefix("con_")
          ? "connection" : id.hasPrefix("var_") ? "variable" : id.hasPrefix("dep_") ? "deployment" : nil
        guard let kind, let written = RepositoryLayout.historyName(fileName: entry + ".json") else {
          continue
        }
        let reason: String
        if gone.contains(id) {
          // A deletion counts as a write does: made and signed by someone the member list lets
          // change the Workspace now, with the key an Owner recorded (one made by someone lowered
          // or gone since is approved, as what they wrote is).
          let counts = deletionCounts[entry] ?? allowed(authors[entry])
          deletionCounts[entry] = counts
          if counts { continue }
          reason =
            "its file is gone, deleted by change #\(written.sequence)"
            + (authors[entry].map { " by \($0.user.prefix(80))" } ?? "")
            + ", who may not change this Workspace (now), or not with the key it is signed with; restore it from "
            + "git, or an Owner or Operator who agrees approves the deletion"
        } else {
          reason =
            "its file is gone, though change #\(written.sequence) wrote it and no signed change deleted it "
            + "(removed by hand?); restore it from git, or an Owner or Operator who agrees approves the deletion"
        }
        let directory = kind == "deployment" ? "deployments" : kind + "s"
        unverified[id] = UnverifiedObject(
          kind: kind, id: id, name: id, path: layout.relative(base + "/" + directory + "/" + id + ".json"),
          reason: reason, fileGone: true)
      }
    }
    if whole {
      let present = Set(candidates.map(\.id))
      for (id, entry) in doubted where !present.contains(id) && unverified[id] == nil {
        guard let kind = Self.kind(ofID: id) else { continue }
        let directory = kind == "deployment" ? "deployments" : kind + "s"
        unverified[id] = UnverifiedObject(
          kind: kind, id: id, name: id, path: layout.relative(base + "/" + directory + "/" + id + ".json"),
          reason: Self.doubt(entry), fileGone: true)
      }
    }
    if let cachePath, learning, learnt {
      let named = Set(verdicts.values.map(\.entry))
      var fresh = VerificationCache(
        members: members, objects: verdicts, entries: entriesUsed.filter { named.contains($0.key) },
        latest: latest, gone: gone, indexed: indexed)
      fresh.headers = headers
      fresh.examined = examined
      fresh.authors = authors
      fresh.vanished = vanished
      if fresh.write(to: cachePath) { verificationCaches.remember(fresh, at: cachePath) }
    }
    return unverified
  }

  /// Why `candidate`, whose file is at `path`, is unverified against `entry` (the facts of the
  /// entry its stamp names, nil when it names none or it cannot be read); nil when it is verified.
  private func reason(
    _ candidate: Candidate, digest: () -> String?, entry: EntryFacts?, latest: String?,
    in workspace: Workspace,
    wrappedFor: [String: String]
  ) -> String? {
    guard let entryName = candidate.stamp.entry else {
      return "no signed change of airenv names it as its author (written by hand, or by an airenv before "
        + "changes were signed)"
    }
    guard let entry else {
      return "the change it names (\(entryName)) is not in the history, or cannot be read"
    }
    let change = "change #\(entry.sequence) by \(entry.user.prefix(80))"
    if let latest, latest > entryName, let later = RepositoryLayout.historyName(fileName: latest + ".json") {
      return
        "it is what \(change) wrote, but change #\(later.sequence) changed or deleted it since (an earlier "
        + "version put back by hand, or by a merge?)"
    }
    if entry.verdict != .verified && entry.verdict.signer == nil {
      return "\(change) that wrote it is \(entry.verdict.label)"
        + (entry.verdict.reason.map { ": \($0)" } ?? "")
    }
    if let problem = Self.authorProblem(
      EntryAuthor(entry), of: change, that: "wrote it", in: workspace, wrappedFor: wrappedFor)
    {
      return problem
    }
    guard let digest = digest() else { return "its file cannot be read" }
    if entry.sealed[candidate.id] == digest { return nil }
    guard entry.wrote[candidate.id] == digest else {
      return "it is not what \(change) wrote (edited outside airenv?)"
    }
    guard candidate.stamp.updatedBy == entry.user else {
      return "it names \(candidate.stamp.updatedBy.prefix(80)) as its author, but \(change) wrote it"
    }
    return nil
  }

  /// Why an object whose newest change (`entry`) this machine saw is in doubt now that the
  /// history no longer holds that change.
  static func doubt(_ entry: String) -> String {
    let number = RepositoryLayout.historyName(fileName: entry + ".json").map { "#\($0.sequence) " } ?? ""
    return
      "the change \(number)(\(entry)) that last wrote or deleted it, which this machine saw, is gone from the "
      + "history (removed by hand or by a push, or an older state checked out?); restore the history from git, or an "
      + "Owner or Operator who has checked it approves it"
  }

  /// The kind of object an id names, by its prefix.
  static func kind(ofID id: String) -> String? {
    id.hasPrefix("con_")
      ? "connection" : id.hasPrefix("var_") ? "variable" : id.hasPrefix("dep_") ? "deployment" : nil
  }

  /// Why `author`'s change (`change`, which `did` what is judged) does not count in `workspace`
  /// (judged: roles and keys as signed changes by Owners made them); nil when it does. Its user
  /// and signer must be allowed to change the Workspace, and the key its signature held for
  /// must be the one the judged member list records for the signer and an Owner wrapped the
  /// data key for: a key swapped into `workspace.json` signs nothing that counts, even after it
  /// is put back.
  static func authorProblem(
    _ author: EntryAuthor, of change: String, that did: String, in workspace: Workspace,
    wrappedFor: [String: String]
  ) -> String? {
    guard let role = workspace.members[author.user], role >= .`operator` else {
      return "\(change) that \(did) was made by "
        + (workspace.members[author.user].map { "\($0 == .member ? "a" : "an") \($0.title), who" }
          ?? "someone who is no member and")
        + " may not change this Workspace"
    }
    // After a purge, the purger vouches for the entry: they must be allowed to as well.
    if author.purged, (workspace.members[author.signer] ?? .member) < .`operator` {
      return
        "\(change) that \(did) was purged and signed again by \(author.signer.prefix(80)), who may not "
        + "change this Workspace"
    }
    guard let recorded = workspace.memberKeys[author.signer], wrappedFor[author.signer] == recorded,
      author.key == recorded
    else {
      return
        "\(change) that \(did) is signed by \(author.signer.prefix(80)) with a key no Owner wrapped the data "
        + "key for (the member list edited by hand?)"
    }
    return nil
  }

  /// Per object id, the newest signed change that wrote, sealed or deleted it (by entry name,
  /// whose order is the history's), and the ids that change deleted; learning only the entries
  /// `known` has not indexed yet. With the names indexed, and the ids entries new since touched
  /// (their cached verdicts are void). Only an entry whose signature holds is indexed: a
  /// hand-made entry cannot make an object look old, and one that does not hold yet (half
  /// written, its signature not there yet) is looked at again next time. When an indexed entry
  /// is gone (a checkout, a reset), the index is made anew.
  private func latestChanges(
    in history: String, workspace: WorkspaceID, recorded: [String: String], known: VerificationCache?
  ) -> (
    latest: [String: String], gone: Set<String>, indexed: Set<String>, touched: Set<String>,
    headers: [String: HeaderFacts], examined: VerificationCache.Examined, authors: [String: EntryAuthor],
    vanished: [String: VanishedEntry], newTouches: [String: Set<String>]
  ) {
    let names = Set(
      ((try? FileSystem.jsonFiles(in: history)) ?? []).map { String($0.dropLast(".json".count)) }.filter {
        $0.utf8.count == RepositoryLayout.timedHistoryStemLength && RepositoryLayout.isHistoryStem($0)
      })
    let whole = known.map { $0.indexed.isSubset(of: names) } ?? false
    var latest = whole ? known?.latest ?? [:] : [:]
    var gone = whole ? known?.gone ?? [] : []
    var indexed = whole ? known?.indexed ?? [] : []
    var headers = (whole ? known?.headers ?? [:] : [:]).filter { names.contains($0.key) }
    var authors = whole ? known?.authors ?? [:] : [:]
    // Entries this machine indexed that the history no longer holds (removed by hand or by a
    // push, or an older state checked out), with the objects each was the newest change of:
    // those are in doubt until the entry is back or a new change by someone allowed touches them
    // (`verify` judges that).
    var vanished = known?.vanished ?? [:]
    var newTouches: [String: Set<String>] = [:]
    if let known, !whole {
      let lost = known.indexed.subtracting(names)
      for (id, entry) in known.latest where lost.contains(entry) {
        vanished[entry, default: VanishedEntry(author: known.authors[entry], objects: [])].objects.insert(id)
      }
    }
    // Signed entries that do not verify by the keys recorded now are read once while those keys
    // stay: a history stuffed with entries signed by strangers costs a listing, not a parse each.
    let keys = VerificationCache.Examined.digest(of: recorded)
    var examined = VerificationCache.Examined(
      keys: keys, names: known.flatMap { whole && $0.examined.keys == keys ? $0.examined.names : nil } ?? [])
    examined.names.formIntersection(names)
    let fresh = names.subtracting(indexed).subtracting(examined.names).sorted()
    let facts = fresh.concurrentMap { name in
      entryFacts(name, in: history, workspace: workspace, recorded: recorded)
    }
    var touched = Set<String>()
    // Changes of the member list signed with a key the Workspace does not record now are kept
    // for the replay (an Owner who left may have made them), within a budget: made up in bulk
    // by a stranger they would swell the cache past what it reads. Beyond it they are judged not
    // to count (the replay then fails closed, naming the list as unverified).
    var unrecordedBytes = headers.values.reduce(0) { $0 + ($1.signedWith(recorded) ? 0 : $1.estimatedBytes) }
    for (name, facts) in zip(fresh, facts) {
      // A change of the member list counts by the key its signature holds for (see
      // `TrustedMembers`), whether or not the Workspace records that key now.
      if let header = facts?.header, !header.signedWith(recorded) {
        unrecordedBytes += header.estimatedBytes
        if unrecordedBytes <= Self.largestUnrecordedHeaders { headers[name] = header }
      } else {
        headers[name] = facts?.header
      }
      guard let facts, facts.verdict.holds else {
        // One with no signature yet (half written) is looked at again next time.
        if let facts, facts.verdict != .unsigned { examined.names.insert(name) }
        continue
      }
      indexed.insert(name)
      authors[name] = EntryAuthor(facts)
      // An entry this machine never indexed before: one made (or merged in) since what it saw.
      let new = !(known?.indexed.contains(name) ?? false)
      for id in Set(facts.wrote.keys).union(facts.sealed.keys).union(facts.deleted) {
        touched.insert(id)
        if new { newTouches[id, default: []].insert(name) }
        if latest[id].map({ $0 < name }) ?? true {
          latest[id] = name
          if facts.deleted.contains(id) { gone.insert(id) } else { gone.remove(id) }
        }
      }
    }
    if !whole { touched.formUnion(latest.keys) }
    // Back only when indexed again, its signature holding: the same bytes put back without it
    // (unsigned) vouch for nothing.
    vanished = vanished.filter { !indexed.contains($0.key) }
    return (latest, gone, indexed, touched, headers, examined, authors, vanished, newTouches)
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
    // An entry with no signature beside it vouches for nothing, whatever it says: it is not read
    // (a migrated history's old entries, an import's megabytes among them, would be by every
    // command, as none of them is ever indexed).
    if FileSignature(path: signaturePath) == nil {
      guard let entry = FileSignature(path: path), entry.size <= Limits.historyFileBytes,
        let sequence = RepositoryLayout.historyName(fileName: fileName)?.sequence
      else { return nil }
      return EntryFacts(
        user: "someone", signer: "", sequence: sequence, verdict: .unsigned, wrote: [:], sealed: [:],
        recordedKey: nil)
    }
    guard let (bytes, signature) = try? FileSystem.readWithSignature(path, limit: Limits.historyFileBytes),
      let signature
    else { return nil }
    let signatureBytes = try? FileSystem.readWithSignature(signaturePath, limit: HistorySignature.largestFile)
    let variant = signatureBytes?.signature.map(\.text) ?? "unsigned"
    if let known = verifiedEntries.value(
      in: directory, named: fileName, signature: signature, variant: variant),
      known.recordedKey == recorded[known.signer]
    {
      return known
    }
    // The signature is checked before the entry is parsed, so that an entry nobody can vouch for
    // (a large one made up by hand, say) costs a hash, not a parse; its sequence is its name's.
    guard let sequence = RepositoryLayout.historyName(fileName: fileName)?.sequence else { return nil }
    // Who the signature says signed it, when that is a name airenv allows (it is shown).
    let claimed = signatureBytes.flatMap {
      try? JSONDecoder().decode(HistorySignature.self, from: Data($0.bytes))
    }
    .map(\.user).flatMap { IdentifierRules.problem(withUserName: $0) == nil ? $0 : nil }
    var verdict = HistoryVerification.of(
      entry: bytes, workspace: workspace, fileName: fileName, user: claimed ?? "",
      signature: signatureBytes?.bytes, recorded: recorded)
    var facts = EntryFacts(
      user: claimed ?? "someone", signer: claimed ?? "", sequence: sequence, verdict: verdict, wrote: [:],
      sealed: [:], recordedKey: claimed.flatMap { recorded[$0] })
    if verdict.holds, let claimed {
      // Signed, so written by an airenv of that member: read only what verifying needs.
      guard case .object(let members)? = JSONValue.stored(bytes),
        case .integer(let stored)? = members["sequence"], stored == Int64(sequence),
        let user = members["user"]?.stringValue
      else { return nil }
      facts.user = user
      if user != claimed && verdict.signer == nil {
        verdict = .notVerifiable("signed by \(claimed.prefix(80)), not by \(user.prefix(80)) whom it names")
        facts.verdict = verdict
      } else {
        let signingKey = facts.recordedKey.flatMap(IdentityText.keys)?.signing.base64EncodedString()
        facts.header = Self.headerFacts(
          members, entry: name, user: user, signer: facts.signer, signingKey: signingKey, workspace: workspace
        )
        for change in members["changes"]?.arrayValue ?? [] {
          guard let change = change.objectValue, let id = change["id"]?.stringValue else { continue }
          if let digest = change["afterDigest"]?.stringValue {
            facts.wrote[id] = digest
          } else if ["connection", "variable", "deployment"].contains(change["kind"]?.stringValue ?? ""),
            case .object? = change["before"]
          {
            // A deletion keeps what it deleted (`before`); one without reads as a creation in
            // `history`, and counts as nothing here either.
            facts.deleted.insert(id)
          }
        }
        for (id, digest) in members["sealed"]?.objectValue ?? [:] {
          if let digest = digest.stringValue { facts.sealed[id] = digest }
        }
      }
    } else if let signatureBytes, bytes.count <= Self.largestHeaderChange,
      let signer = HistorySignature.selfConsistentSigner(
        of: bytes, workspace: workspace, fileName: fileName, signature: signatureBytes.bytes),
      case .object(let members)? = JSONValue.stored(bytes),
      case .integer(let stored)? = members["sequence"], stored == Int64(sequence),
      let user = members["user"]?.stringValue, signer.rewrite || signer.user == user
    {
      // Signed with a key the Workspace does not record now (a member removed since, or a key
      // replaced): a change of the member list still counts if the list as it stood then
      // recorded that key for its signer, which the replay judges.
      facts.header = Self.headerFacts(
        members, entry: name, user: user, signer: signer.user, signingKey: signer.key, workspace: workspace)
    }
    if signature.isSettled(now: time(nil), after: settleSeconds) {
      verifiedEntries.store(facts, in: directory, named: fileName, signature: signature, variant: variant)
    }
    return facts
  }

  /// The largest entry signed with a key the Workspace does not record now that is parsed for a
  /// change of the member list it may hold: such changes are small, and a stranger's entry of
  /// hundreds of megabytes would otherwise be parsed by every command.
  static let largestHeaderChange = 4 << 20

  /// How much of changes of the member list signed with keys not recorded now is kept, in all.
  static let largestUnrecordedHeaders = 8 << 20

  /// What the entry (its members, parsed) did to the Workspace's header, if it changed it.
  private static func headerFacts(
    _ members: [String: JSONValue], entry: String, user: String, signer: String, signingKey: String?,
    workspace: WorkspaceID
  ) -> HeaderFacts? {
    for change in members["changes"]?.arrayValue ?? [] {
      guard let change = change.objectValue, change["kind"]?.stringValue == "workspace",
        change["id"]?.stringValue == workspace
      else { continue }
      let before = change["before"]
      let facts = HeaderFacts(
        entry: entry, user: user, signer: signer, signerKey: signingKey,
        approval: members["command"]?.stringValue == memberListApproval,
        before: before.flatMap(MemberState.init(stored:)),
        beforeDigest: before.flatMap { ContentDigest.of($0) },
        after: change["after"].flatMap(MemberState.init(stored:)),
        afterDigest: change["afterDigest"]?.stringValue,
        parents: change["parents"]?.arrayValue.map { $0.compactMap(\.stringValue) })
      // A header that is no header vouches for no member list.
      if before != nil && facts.before == nil { return nil }
      return facts
    }
    return nil
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
    guard let digest = ContentDigest.of(file: bytes) else { return nil }
    if let signature, signature.isSettled(now: now, after: settleSeconds) {
      objectDigests.store(digest, in: directory, named: name, signature: signature, variant: "")
    }
    return digest
  }
}
