import AirenvModel

/// What of a Workspace's header decides who may change what and who reads secrets: each
/// member's role and recorded public key, whether every member may fetch secrets, and the
/// fingerprint of the data key secrets are sealed with.
struct MemberState: Equatable, Sendable {
  var members: [String: Role]
  var keys: [String: String]
  var secretsFetching: Bool
  var dataKey: String?

  init(members: [String: Role], keys: [String: String], secretsFetching: Bool, dataKey: String? = nil) {
    self.members = members
    self.keys = keys
    self.secretsFetching = secretsFetching
    self.dataKey = dataKey
  }

  init(_ workspace: Workspace) {
    self.init(
      members: workspace.members, keys: workspace.memberKeys,
      secretsFetching: workspace.settings.secretsFetching,
      dataKey: workspace.dataKeyFingerprint)
  }

  /// The state a header as stored (in a history entry) records; nil when it is not a header.
  init?(stored: JSONValue) {
    guard case .object(let header) = stored else { return nil }
    var members: [String: Role] = [:]
    for (user, role) in header["members"]?.objectValue ?? [:] {
      guard let role = role.stringValue.flatMap(Role.init(rawValue:)) else { return nil }
      members[user] = role
    }
    var keys: [String: String] = [:]
    for (user, key) in header["memberKeys"]?.objectValue ?? [:] {
      guard let key = key.stringValue else { return nil }
      keys[user] = key
    }
    var fetching = false
    if case .bool(let value)? = header["settings"]?.objectValue?["secretsFetching"] { fetching = value }
    self.init(
      members: members, keys: keys, secretsFetching: fetching, dataKey: header["dataKey"]?.stringValue)
  }

  /// `self` with what `change` changed from `before` to `after` (per member, and the setting):
  /// two Owners who changed different members in parallel (then merged by git) both count.
  func applying(from before: MemberState, to after: MemberState) -> MemberState {
    var next = self
    for user in Set(before.members.keys).union(after.members.keys)
    where before.members[user] != after.members[user] {
      next.members[user] = after.members[user]
    }
    for user in Set(before.keys.keys).union(after.keys.keys) where before.keys[user] != after.keys[user] {
      next.keys[user] = after.keys[user]
    }
    if before.secretsFetching != after.secretsFetching { next.secretsFetching = after.secretsFetching }
    if before.dataKey != after.dataKey { next.dataKey = after.dataKey }
    return next
  }

  /// Whether the roles, keys and secretsFetching are the same (the data key aside).
  func sameMembers(as other: MemberState) -> Bool {
    members == other.members && keys == other.keys && secretsFetching == other.secretsFetching
  }

  /// `workspace` with these roles, keys and secretsFetching in place of its own.
  func judging(_ workspace: Workspace) -> Workspace {
    var judged = workspace
    judged.members = members
    judged.memberKeys = keys
    judged.settings.secretsFetching = secretsFetching
    return judged
  }

  /// The first way `stored` differs from `self`, in words; nil when it does not.
  func difference(in stored: MemberState) -> String? {
    for user in Set(members.keys).union(stored.members.keys).sorted()
    where members[user] != stored.members[user] {
      let name = String(user.prefix(80))
      switch (members[user], stored.members[user]) {
      case (nil, let role?): return "it makes \(name) \(role.title), which no signed change by an Owner did"
      case (_?, nil): return "it leaves out \(name), whom no signed change by an Owner removed"
      case (let trusted?, let role?):
        return "it makes \(name) \(role.title), though signed changes by Owners made them \(trusted.title)"
      case (nil, nil): continue
      }
    }
    for user in Set(keys.keys).union(stored.keys.keys).sorted() where keys[user] != stored.keys[user] {
      return "it records a public key for \(user.prefix(80)) that no signed change by an Owner recorded"
    }
    if secretsFetching != stored.secretsFetching {
      return
        "it turns secretsFetching \(stored.secretsFetching ? "on" : "off"), which no signed change by an Owner did"
    }
    if dataKey != stored.dataKey {
      return "it records data key \(stored.dataKey ?? "none"), though signed changes by Owners last recorded "
        + "\(dataKey ?? "none") (an older workspace.json put back?)"
    }
    return nil
  }
}

/// What a signed history entry did to its Workspace's header, as read once.
struct HeaderFacts: Equatable, Sendable {
  /// The entry's name (its file's stem), which orders the history.
  var entry: String
  var user: String
  var signer: String
  /// The signing key (base64) the entry's signature holds for: the replay compares it with the
  /// key the member list recorded for the signer then.
  var signerKey: String?
  /// Whether the entry is an approval of the header as stored (`airenv approve workspace`).
  var approval: Bool
  /// The header before the change (nil: the entry created the Workspace) and its digest.
  var before: MemberState?
  var beforeDigest: String?
  /// The header after it; nil when the entry did not record it (an earlier airenv did not).
  var after: MemberState?
  var afterDigest: String?
  /// The changes of the header its author's member list was replayed from (the newest: each
  /// other one is an ancestor of one of them); nil for an entry by an earlier airenv.
  var parents: [String]? = nil
}

/// The member list as signed changes made it, replayed from the Workspace's signed creation.
///
/// The changes of the header form a graph: each names the changes its author's member list was
/// replayed from (`parents`), so who knew what is what the signed entries say, never what their
/// names (times, which authors choose) or their `before` snapshots (which authors write) suggest.
/// A change counts when its author and signer are Owners of the list its parents make, with the
/// key that list records for the signer. A change that took something (a role, membership, a
/// key) from the author of another change, without either having been made knowing the other,
/// voids that other change; two such changes against each other's authors leave nobody trusted
/// (one was dated back by someone no longer allowed, or two Owners demoted each other on two
/// branches: the history must be settled in git). A member list edited by hand, put back from an
/// older commit, or changed by someone no Owner made an Owner, is then not the trusted one, and
/// nothing its roles or keys would allow is verified.
struct TrustedMembers: Equatable, Sendable {
  var state: MemberState
  /// Why the header on disk is not the trusted one; nil when it is.
  var problem: String?
  /// The entry the replay started from (the creation, or the first signed change of an older
  /// Workspace): readers remember it, and refuse a history that later lacks it.
  var anchor: String?
  /// The changes that count and that no other counting change has as an ancestor: the parents
  /// of the next change of the header.
  var heads: [String] = []
  /// The signed changes of the header that do not count, by entry name, with why (`history`
  /// shows them so: a signature that holds is not a change that counts).
  var uncounted: [String: String] = [:]

  /// Nobody trusted, for a history that cannot be replayed: nothing verifies, no envelope opens.
  static func untrusted(_ problem: String, uncounted: [String: String] = [:]) -> TrustedMembers {
    TrustedMembers(
      state: MemberState(members: [:], keys: [:], secretsFetching: false), problem: problem,
      uncounted: uncounted)
  }

  /// Replays `changes` (any order); nil when no signed change records the header (a Workspace
  /// made before headers were signed, never changed since: its file is trusted as it stands).
  /// `current` is the header as stored now, `currentDigest` its digest; `pinned` the anchor this
  /// machine saw before, if any.
  static func replay(
    _ changes: [HeaderFacts], current: MemberState, currentDigest: String?, pinned: String? = nil
  ) -> TrustedMembers? {
    let ordered = changes.sorted { $0.entry < $1.entry }
    let creations = ordered.filter { $0.before == nil }
    if creations.count > 1 {
      return untrusted(
        "\(creations.count) signed changes each claim to have created this Workspace (one made up by hand?); "
          + "restore the history from git")
    }
    if let pinned, !ordered.contains(where: { $0.entry == pinned }) {
      return untrusted(
        "the change that began its member list (\(pinned)), which this machine saw before, is gone from the "
          + "history or no longer signed; restore the history from git")
    }
    // Anchored at the creation, or at the anchor seen before: a change dated before it is made up.
    let start = pinned ?? creations.first?.entry
    var uncounted: [String: String] = [:]
    if let start {
      for change in ordered where change.entry < start {
        uncounted[change.entry] =
          "it is dated before the change that began the member list (\(start)): made up, or dated back"
      }
    }
    let anchored = resolvingAfter(
      start.map { start in ordered.filter { $0.entry >= start } } ?? ordered, current: current,
      currentDigest: currentDigest, uncounted: &uncounted)
    // The anchor (the creation, or for a Workspace created before headers were signed, its first
    // signed change, which may find no keys recorded yet) is judged by the header it made or found.
    guard let anchor = anchored.first(where: { Self.anchors($0) }), let anchorState = anchor.after else {
      return nil
    }
    if let pinned, anchor.entry != pinned {
      return untrusted(
        "the change that began its member list (\(pinned)), which this machine saw before, no longer counts "
          + "(its signer is not an Owner by it); restore the history from git")
    }
    for change in anchored where change.entry < anchor.entry {
      uncounted[change.entry] =
        "it comes before the first change that may begin the member list (\(anchor.entry))"
    }
    var graph = ChangeGraph(anchored.filter { $0.entry >= anchor.entry }, from: anchorState)
    uncounted.merge(graph.unlinked) { first, _ in first }
    while true {
      let valid = graph.valid()
      switch graph.voided(among: valid) {
      case .conflict(let first, let second):
        func contested(with other: HeaderFacts) -> String {
          "it and change \(other.entry) by \(other.signer.prefix(80)) take something from each other's authors "
            + "(directly or through others), neither made knowing the other: nobody is trusted until the "
            + "history is settled in git"
        }
        return untrusted(
          "changes \(first.entry) by \(first.signer.prefix(80)) and \(second.entry) by \(second.signer.prefix(80)) "
            + "take something from each other's authors (directly or through others), and neither was made "
            + "knowing the other (one dated back by hand, or two Owners on two branches?); restore the history "
            + "from git",
          uncounted: [first.entry: contested(with: second), second.entry: contested(with: first)])
      case .changes(let voided):
        for (name, contester) in voided {
          let signer = graph.changes[contester]?.signer.prefix(80) ?? ""
          uncounted[name] =
            "voided by change \(contester) by \(signer), which took something from its author (or from the "
            + "author of a change it rests on), neither made knowing the other"
        }
        graph.revoked.formUnion(voided.keys)
      case nil:
        let state = graph.state(after: valid)
        let counting = Set(valid)
        for name in graph.order where !counting.contains(name) && uncounted[name] == nil {
          let user = graph.changes[name]?.user.prefix(80) ?? ""
          uncounted[name] =
            "\(user) was no Owner of the member list it followed, or signed with a key that list does not record"
        }
        let known = Set(valid.flatMap { graph.ancestors[$0] ?? [] })
        let heads = valid.filter { !known.contains($0) }
        return TrustedMembers(
          state: state, problem: state.difference(in: current), anchor: anchor.entry,
          heads: heads.isEmpty ? [anchor.entry] : heads, uncounted: uncounted)
      }
    }
  }

  /// Whether `change` may begin a member list: its author and signer Owners of the header it made
  /// (a creation) or found (an older Workspace's first signed change), with the signer's key.
  private static func anchors(_ change: HeaderFacts) -> Bool {
    guard let after = change.after, let key = change.signerKey else { return false }
    let judged = change.before ?? after
    return judged.members[change.user] == .owner && judged.members[change.signer] == .owner
      && (judged.signingKey(of: change.signer) == key
        || (change.before != nil && judged.keys[change.signer] == nil))
  }

  /// `anchored` with what each entry left the header as: recorded, or for an entry by an earlier
  /// airenv, the header the next change found, or the header now, where their digests say so;
  /// an entry whose result cannot be told is left out.
  private static func resolvingAfter(
    _ anchored: [HeaderFacts], current: MemberState, currentDigest: String?, uncounted: inout [String: String]
  ) -> [HeaderFacts] {
    var positions: [String: [Int]] = [:]
    for (position, change) in anchored.enumerated() {
      if let digest = change.beforeDigest { positions[digest, default: []].append(position) }
    }
    var resolved: [HeaderFacts] = []
    for (position, change) in anchored.enumerated() {
      var change = change
      if change.after == nil, let digest = change.afterDigest {
        if let next = positions[digest]?.first(where: { $0 > position }) {
          change.after = anchored[next].before
        } else if digest == currentDigest {
          change.after = current
        }
      }
      if change.after == nil {
        uncounted[change.entry] =
          "what it left the member list as cannot be told (an entry by an earlier airenv)"
      } else {
        resolved.append(change)
      }
    }
    return resolved
  }
}

/// The changes of a header from its anchor on, with who knew what (see `TrustedMembers`).
private struct ChangeGraph {
  enum Voiding {
    /// The changes to void, each with the firm change that contests it.
    case changes([String: String])
    case conflict(HeaderFacts, HeaderFacts)
  }

  let anchor: String
  let anchorState: MemberState
  /// By name, in the history's order, the anchor left out; an entry naming a parent that is not
  /// an earlier change of the header (made up, or lost) is left out too.
  var changes: [String: HeaderFacts] = [:]
  var order: [String] = []
  /// Each change's ancestors, the anchor left out (every change knows it).
  var ancestors: [String: Set<String>] = [:]
  var revoked = Set<String>()
  /// The changes left out because they name parents that are not earlier changes, with why.
  var unlinked: [String: String] = [:]

  init(_ anchored: [HeaderFacts], from anchorState: MemberState) {
    anchor = anchored[0].entry
    self.anchorState = anchorState
    // afterDigest → the latest entry that left the header so, for entries by an earlier airenv.
    var digests: [String: String] = [:]
    if let digest = anchored[0].afterDigest { digests[digest] = anchor }
    for change in anchored.dropFirst() {
      defer { if let digest = change.afterDigest { digests[digest] = change.entry } }
      // An entry by an earlier airenv names no parents: the change that left the header it found
      // (by digest), else the one before it.
      let parents =
        change.parents ?? [change.beforeDigest.flatMap { digests[$0] } ?? order.last ?? anchor]
      guard !parents.isEmpty,
        parents.allSatisfy({ $0 == anchor || (changes[$0] != nil && $0 < change.entry) })
      else {
        unlinked[change.entry] =
          "it names changes of the member list it followed that are not earlier in the history (made up, or lost)"
        continue
      }
      var known = Set(parents)
      for parent in parents { known.formUnion(ancestors[parent] ?? []) }
      known.remove(anchor)
      changes[change.entry] = change
      order.append(change.entry)
      ancestors[change.entry] = known
    }
  }

  /// The list the anchor and `names` (in the history's order) make.
  func state(after names: [String]) -> MemberState {
    var state = anchorState
    for name in names { if let change = changes[name] { state = apply(change, to: state) } }
    return state
  }

  /// What `change` makes of `state`: its own difference applied (so that changes made in
  /// parallel both count), or for an approval, the header it approved.
  func apply(_ change: HeaderFacts, to state: MemberState) -> MemberState {
    guard let after = change.after else { return state }
    guard let before = change.before, !change.approval else { return after }
    return state.applying(from: before, to: after)
  }

  /// The list a change's author replayed: its counting ancestors applied to the anchor's.
  func parentState(of name: String, valid: Set<String>) -> MemberState {
    // Names sort as the history does: the counting ancestors in order, without a walk of all.
    state(after: (ancestors[name] ?? []).intersection(valid).sorted())
  }

  /// The changes that count, in order: each made and signed by an Owner of the list its
  /// counting ancestors make, with the key it records for the signer.
  func valid() -> [String] {
    var valid = Set<String>()
    var result: [String] = []
    for name in order where !revoked.contains(name) {
      guard let change = changes[name], let key = change.signerKey else { continue }
      let found = parentState(of: name, valid: valid)
      guard found.members[change.user] == .owner, found.members[change.signer] == .owner,
        found.signingKey(of: change.signer) == key
      else { continue }
      valid.insert(name)
      result.append(name)
    }
    return result
  }

  /// The members `name` takes something from (a role lowered, membership, a key replaced),
  /// judged against the list its author replayed, and against the list the counting changes
  /// named before it make (`merged`): a change on a side branch that hides a member made there
  /// takes from them what readers would otherwise have seen them hold.
  func lowered(by name: String, valid: Set<String>, merged: MemberState) -> Set<String> {
    guard let change = changes[name] else { return [] }
    var lowered = Set<String>()
    for found in [parentState(of: name, valid: valid), merged] {
      let made = apply(change, to: found)
      for (user, role) in found.members
      where (made.members[user].map { $0 < role } ?? true)
        || (found.keys[user] != nil && found.keys[user] != made.keys[user])
      {
        lowered.insert(user)
      }
    }
    return lowered
  }

  /// The counting changes to void: those that a *firm* counting change contests. A change L
  /// contests X when L takes something from the author of X, or of a counting ancestor of X,
  /// that L was made without knowing (nor it knowing L): what X's authority rests on is then in
  /// doubt too (else a former Owner could make up a member on an old list and act through them).
  /// A change is firm when nothing contests it: a contested change voids nothing (else a former
  /// Owner's change, made on a list from before their demotion, could void the later changes of
  /// whoever it lowers). Contested changes with no firm one among them — changes against each
  /// other's authors — are a conflict.
  func voided(among valid: [String]) -> Voiding? {
    let counting = Set(valid)
    var lowered: [String: Set<String>] = [:]
    var merged = anchorState
    for name in valid {
      lowered[name] = self.lowered(by: name, valid: counting, merged: merged)
      if let change = changes[name] { merged = apply(change, to: merged) }
    }
    var against: [String: [String]] = [:]
    for name in valid {
      let lineage = [name] + valid.filter { ancestors[name]?.contains($0) == true }
      for other in valid where other != name && ancestors[name]?.contains(other) != true {
        let doubted = lineage.contains { ancestor in
          guard ancestor != other, let signer = changes[ancestor]?.signer,
            lowered[other]?.contains(signer) == true
          else { return false }
          return ancestors[other]?.contains(ancestor) != true && ancestors[ancestor]?.contains(other) != true
        }
        if doubted { against[name, default: []].append(other) }
      }
    }
    var voided: [String: String] = [:]
    for (name, others) in against {
      if let firm = others.sorted().first(where: { against[$0] == nil }) { voided[name] = firm }
    }
    if !voided.isEmpty { return .changes(voided) }
    guard let (name, others) = against.min(by: { $0.key < $1.key }), let change = changes[name],
      let other = others.first.flatMap({ changes[$0] })
    else { return nil }
    return .conflict(change, other)
  }
}

extension MemberState {
  /// The signing part of the public identity recorded for `user`, base64.
  func signingKey(of user: String) -> String? {
    keys[user].flatMap(IdentityText.keys)?.signing.base64EncodedString()
  }
}

/// The entry that began a Workspace's member list as this machine first saw it, kept beside the
/// caches: a history that later lacks it, or starts elsewhere (an earlier change made up by
/// hand, the real one deleted), is refused here. Trust on first sight, as `ssh` keeps hosts: a
/// machine that never saw the Workspace trusts the history it is given.
enum AnchorPin {
  private static let magic = Array("airenv anchor 1\n".utf8)

  static func path(in directory: String, root: String, workspace: WorkspaceID) -> String {
    String(
      VerificationCache.path(in: directory, root: root, workspace: workspace).dropLast(".verified".count))
      + ".anchor"
  }

  static func read(_ path: String) -> String? {
    CacheFileReader.reading(path, magic: magic, limit: 4096) { reader throws(CacheFileDamage) in
      let name = try reader.string()
      guard RepositoryLayout.isHistoryStem(name) else { throw CacheFileDamage() }
      return name
    }
  }

  static func write(_ anchor: String, to path: String) {
    guard KeyIndex.canBeKept(at: path) else { return }
    var writer = CacheFileWriter()
    writer.append(magic[...])
    writer.string(anchor)
    _ = writer.replace(path)
  }
}
