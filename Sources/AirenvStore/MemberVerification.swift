import AirenvModel
import Foundation

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
  /// The member list a header as stored holds; nil when it is none airenv writes: a member or
  /// key that is not one (megabytes of key, made up by hand), or more members than a Workspace
  /// holds, vouch for nothing and are not kept (they would swell every cache that indexes them).
  init?(stored: JSONValue) {
    guard case .object(let header) = stored else { return nil }
    let storedMembers = header["members"]?.objectValue ?? [:]
    let storedKeys = header["memberKeys"]?.objectValue ?? [:]
    guard storedMembers.count <= Self.largestList, storedKeys.count <= Self.largestList else { return nil }
    var members: [String: Role] = [:]
    for (user, role) in storedMembers {
      guard IdentifierRules.problem(withUserName: user) == nil,
        let role = role.stringValue.flatMap(Role.init(rawValue:))
      else { return nil }
      members[user] = role
    }
    var keys: [String: String] = [:]
    for (user, key) in storedKeys {
      guard IdentifierRules.problem(withUserName: user) == nil, let key = key.stringValue,
        IdentityText.problem(key) == nil
      else { return nil }
      keys[user] = key
    }
    var fetching = false
    if case .bool(let value)? = header["settings"]?.objectValue?["secretsFetching"] { fetching = value }
    self.init(
      members: members, keys: keys, secretsFetching: fetching, dataKey: header["dataKey"]?.stringValue)
  }

  /// The most members (and recorded keys) a member list read from history may hold.
  static let largestList = 10_000

  /// `self` with what `change` changed from `before` to `after` (per member, and the setting):
  /// two Owners who changed different members in parallel (then merged by git) both count.
  func applying(from before: MemberState, to after: MemberState) -> MemberState {
    var next = self
    for (user, role) in after.members where before.members[user] != role { next.members[user] = role }
    for user in before.members.keys where after.members[user] == nil { next.members[user] = nil }
    for (user, key) in after.keys where before.keys[user] != key { next.keys[user] = key }
    for user in before.keys.keys where after.keys[user] == nil { next.keys[user] = nil }
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

  /// Every way `stored` differs from `self`, in words (what it raises first: an Owner made by
  /// hand is what an approving Owner must not miss); nil when it does not.
  func difference(in stored: MemberState) -> String? {
    var owners: [String] = []
    var raised: [String] = []
    var other: [String] = []
    // A name shown as an approving Owner must read it: spelled out where it is not plain ASCII,
    // and with the member it could be taken for (each name's shape made once: a list edited by
    // hand may hold thousands).
    let alike = Dictionary(
      grouping: Set(members.keys).union(stored.members.keys).union(keys.keys).union(stored.keys.keys),
      by: UserNameLikeness.skeleton)
    func named(_ user: String) -> String {
      let name = UserNameLikeness.spelled(String(user.prefix(80)))
      guard let other = alike[UserNameLikeness.skeleton(user)]?.filter({ $0 != user }).min() else {
        return name
      }
      return name + " (who could be taken for " + UserNameLikeness.spelled(String(other.prefix(80))) + ")"
    }
    for user in Set(members.keys).union(stored.members.keys).sorted()
    where members[user] != stored.members[user] {
      let name = named(user)
      switch (members[user], stored.members[user]) {
      case (nil, let role?):
        let line = "it makes \(name) \(role.title), which no signed change by an Owner did"
        if role == .owner { owners.append(line) } else { raised.append(line) }
      case (_?, nil): other.append("it leaves out \(name), whom no signed change by an Owner removed")
      case (let trusted?, let role?):
        let line =
          "it makes \(name) \(role.title), though signed changes by Owners made them \(trusted.title)"
        if role == .owner {
          owners.append(line)
        } else if role > trusted {
          raised.append(line)
        } else {
          other.append(line)
        }
      case (nil, nil): continue
      }
    }
    for user in Set(keys.keys).union(stored.keys.keys).sorted() where keys[user] != stored.keys[user] {
      if stored.keys[user] == nil {
        other.append(
          "it records no public key for \(named(user)), though signed changes by Owners recorded one")
      } else {
        raised.append("it records a public key for \(named(user)) that no signed change by an Owner recorded")
      }
    }
    if secretsFetching != stored.secretsFetching {
      let line =
        "it turns secretsFetching \(stored.secretsFetching ? "on" : "off"), which no signed change by an Owner did"
      if stored.secretsFetching { raised.append(line) } else { other.append(line) }
    }
    if dataKey != stored.dataKey {
      other.append(
        "it records data key \(stored.dataKey ?? "none"), though signed changes by Owners last recorded "
          + "\(dataKey ?? "none") (an older workspace.json put back?)")
    }
    let all = owners + raised + other
    guard !all.isEmpty else { return nil }
    return all.prefix(8).joined(separator: "; ") + (all.count > 8 ? "; and \(all.count - 8) more" : "")
  }
}

/// What a signed history entry did to its Workspace's header, as read once.
extension HeaderFacts {
  /// Whether its signature holds for the key the Workspace records for its signer now.
  func signedWith(_ recorded: [String: String]) -> Bool {
    guard let signerKey, let text = recorded[signer], let keys = IdentityText.keys(text) else { return false }
    return keys.signing.base64EncodedString() == signerKey
  }

  /// About how many bytes it takes in a cache.
  var estimatedBytes: Int {
    [before, after].compactMap { $0 }.reduce(256) { total, state in
      total + state.members.keys.reduce(0) { $0 + $1.utf8.count + 8 }
        + state.keys.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 8 }
    }
  }
}

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
  /// For each change that counts, by entry name, the list its author replayed before it: what
  /// an undo of it may bring back (see `Repository.revert`).
  var found: [String: MemberState] = [:]

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
    var uncounted: [String: String] = [:]
    if let pinned, !ordered.contains(where: { $0.entry == pinned }) {
      return untrusted(
        "the change that began its member list (\(pinned)), which this machine saw before, is gone from the "
          + "history or no longer signed; restore the history from git")
    }
    // With the anchor seen before, another creation is made up (by anyone who can write the
    // repository); a machine that never saw the Workspace cannot tell which one is real.
    let creations = ordered.filter { $0.before == nil && $0.entry != pinned }
    if pinned != nil {
      for creation in creations {
        uncounted[creation.entry] = "it claims to have created the Workspace, which an earlier change did"
      }
    } else if creations.count > 1 {
      return untrusted(
        "\(creations.count) signed changes each claim to have created this Workspace (one made up by hand?); "
          + "restore the history from git")
    }
    // Anchored at the creation, or at the anchor seen before: a change dated before it is made up.
    let start = pinned ?? creations.first?.entry
    if let start {
      for change in ordered where change.entry < start {
        uncounted[change.entry] =
          "it is dated before the change that began the member list (\(start)): made up, or dated back"
      }
    }
    let anchored = resolvingAfter(
      ordered.filter { change in
        start.map { change.entry >= $0 } ?? true && (change.before != nil || change.entry == start)
      },
      current: current, currentDigest: currentDigest, uncounted: &uncounted)
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
    var signing = SigningKeys()
    let considered = Self.signedByPossibleOwners(
      anchored.filter { $0.entry > anchor.entry }, from: anchorState, &signing)
    for change in anchored where change.entry > anchor.entry && !considered.entries.contains(change.entry) {
      uncounted[change.entry] =
        "it is signed by \(change.signer.prefix(80)) with a key no signed change by an Owner recorded for an Owner"
    }
    guard considered.changes.count <= largestReplay else {
      return untrusted(
        "its history holds \(considered.changes.count) signed changes of the member list by Owners, more than the "
          + "\(largestReplay) airenv replays (made up in bulk?); restore the history from git")
    }
    var graph = ChangeGraph(considered.changes, anchor: anchor, from: anchorState)
    uncounted.merge(graph.unlinked) { first, _ in first }
    for _ in 0...largestVoidingRounds {
      let replayed = graph.replayed(&signing)
      switch graph.voided(by: replayed) {
      case .conflict(let first, let second):
        let (first, second) = (graph.changes[first], graph.changes[second])
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
        for (position, contester) in voided {
          let contester = graph.changes[contester]
          uncounted[graph.changes[position].entry] =
            "voided by change \(contester.entry) by \(contester.signer.prefix(80)), which took something from its "
            + "author (or from the author of a change it rests on), neither made knowing the other"
        }
        graph.revoked.formUnion(voided.keys)
      case nil:
        let state = graph.state(after: replayed.valid)
        for (position, change) in graph.changes.enumerated()
        where !replayed.counting.contains(position) && uncounted[change.entry] == nil {
          uncounted[change.entry] =
            "\(change.user.prefix(80)) was no Owner of the member list it followed, or signed with a key that list "
            + "does not record"
        }
        var known = PositionSet(count: graph.changes.count)
        for position in replayed.valid { known.formUnion(graph.ancestors[position]) }
        let heads = replayed.valid.filter { !known.contains($0) }.map { graph.changes[$0].entry }
        var found = [anchor.entry: anchorState]
        for position in replayed.valid { found[graph.changes[position].entry] = replayed.found[position] }
        return TrustedMembers(
          state: state, problem: state.difference(in: current), anchor: anchor.entry,
          heads: heads.isEmpty ? [anchor.entry] : heads, uncounted: uncounted, found: found)
      }
    }
    return untrusted(
      "its signed changes of the member list void one another in more than \(largestVoidingRounds) rounds (made up "
        + "in bulk?); restore the history from git")
  }

  /// The most signed changes of a member list by (possible) Owners a replay takes: each is a
  /// row and a column of its ancestry (10,000 make 12.5 MB); more are refused, not replayed.
  static let largestReplay = 10_000
  /// Rounds of voiding before a replay gives up: each voids at least one change; a team's history
  /// needs one or two.
  static let largestVoidingRounds = 64

  /// `changes` (in order, after the anchor) without those no replay could count: signed with a
  /// key that neither the anchor nor an earlier such change recorded for someone it made an
  /// Owner (a stranger's, a Member's), so that entries made up in bulk by someone who never was
  /// an Owner cost a pass, not a place in the graph. Keys and roles are gathered apart (a
  /// change applies each member's role and key separately), which keeps every change that could
  /// count.
  private static func signedByPossibleOwners(
    _ changes: [HeaderFacts], from anchorState: MemberState, _ signing: inout SigningKeys
  ) -> (changes: [HeaderFacts], entries: Set<String>) {
    var owners = Set<String>()
    var identities: [String: Set<String>] = [:]
    func learn(_ state: MemberState) {
      for (user, role) in state.members where role == .owner { owners.insert(user) }
      for (user, identity) in state.keys { identities[user, default: []].insert(identity) }
    }
    learn(anchorState)
    var kept: [HeaderFacts] = []
    var entries = Set<String>()
    for change in changes {
      guard let key = change.signerKey, owners.contains(change.signer),
        identities[change.signer]?.contains(where: { signing.of($0) == key }) == true
      else { continue }
      kept.append(change)
      entries.insert(change.entry)
      if let after = change.after { learn(after) }
    }
    return (kept, entries)
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

/// Positions of changes (0..<count), a bit each: the graph's ancestry is a bit matrix, so a
/// history of thousands of changes of the member list is replayed in word operations.
struct PositionSet: Equatable, Sendable {
  private var words: [UInt64]

  init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

  func contains(_ position: Int) -> Bool { words[position >> 6] & (1 << UInt64(position & 63)) != 0 }

  mutating func insert(_ position: Int) { words[position >> 6] |= 1 << UInt64(position & 63) }

  mutating func formUnion(_ other: PositionSet) {
    for index in words.indices { words[index] |= other.words[index] }
  }

  /// Whether a position is in `self` and in `other` but not in `excluded`.
  func meets(_ other: PositionSet, outside excluded: PositionSet) -> Bool {
    words.indices.contains { words[$0] & other.words[$0] & ~excluded.words[$0] != 0 }
  }

  /// The positions in `self` but not in `excluded`, in order.
  func positions(outside excluded: PositionSet) -> [Int] {
    positions(of: { words[$0] & ~excluded.words[$0] })
  }

  /// The positions in `self` and in `other`, in order.
  func positions(in other: PositionSet) -> [Int] { positions(of: { words[$0] & other.words[$0] }) }

  private func positions(of word: (Int) -> UInt64) -> [Int] {
    var positions: [Int] = []
    for index in words.indices {
      var bits = word(index)
      while bits != 0 {
        positions.append(index << 6 + bits.trailingZeroBitCount)
        bits &= bits - 1
      }
    }
    return positions
  }
}

/// The changes of a header from its anchor on, with who knew what (see `TrustedMembers`).
private struct ChangeGraph {
  enum Voiding {
    /// The changes to void, by position, each with the firm change that contests it.
    case changes([Int: Int])
    case conflict(Int, Int)
  }

  /// What one pass over the changes found: those that count, in order, and the list each
  /// change's author replayed (its counting ancestors applied to the anchor's).
  struct Replayed {
    var valid: [Int] = []
    var counting: PositionSet
    var found: [MemberState] = []
  }

  let anchorState: MemberState
  /// In the history's order, the anchor left out; a position is an index here. An entry naming
  /// a parent that is not an earlier change of the header (made up, or lost) is left out too.
  var changes: [HeaderFacts] = []
  /// Each change's parents and ancestors, by position (the anchor left out: every change knows it).
  var parents: [[Int]] = []
  var ancestors: [PositionSet] = []
  var descendants: [PositionSet] = []
  var revoked = Set<Int>()
  /// The changes left out because they name parents that are not earlier changes, with why.
  var unlinked: [String: String] = [:]

  init(_ considered: [HeaderFacts], anchor: HeaderFacts, from anchorState: MemberState) {
    self.anchorState = anchorState
    var positions: [String: Int] = [:]
    // afterDigest → the latest entry that left the header so, for entries by an earlier airenv.
    var digests: [String: String] = [:]
    if let digest = anchor.afterDigest { digests[digest] = anchor.entry }
    for change in considered {
      defer { if let digest = change.afterDigest { digests[digest] = change.entry } }
      // An entry by an earlier airenv names no parents: the change that left the header it found
      // (by digest), else the one before it.
      let named =
        change.parents ?? [change.beforeDigest.flatMap { digests[$0] } ?? changes.last?.entry ?? anchor.entry]
      guard !named.isEmpty,
        named.allSatisfy({ $0 == anchor.entry || (positions[$0] != nil && $0 < change.entry) })
      else {
        unlinked[change.entry] =
          "it names changes of the member list it followed that are not earlier in the history (made up, or lost)"
        continue
      }
      let position = changes.count
      var known = PositionSet(count: considered.count)
      let found = Array(Set(named.compactMap { positions[$0] })).sorted()
      for parent in found {
        known.insert(parent)
        known.formUnion(ancestors[parent])
      }
      positions[change.entry] = position
      changes.append(change)
      parents.append(found)
      ancestors.append(known)
    }
    // A change's children are later than it: from the last back, each has its descendants whole.
    descendants = Array(repeating: PositionSet(count: considered.count), count: changes.count)
    for child in changes.indices.reversed() {
      for parent in parents[child] {
        descendants[parent].insert(child)
        descendants[parent].formUnion(descendants[child])
      }
    }
  }

  /// The list the anchor and the changes at `positions` (in order) make.
  func state(after positions: [Int]) -> MemberState {
    positions.reduce(anchorState) { state, position in apply(changes[position], to: state) }
  }

  /// What `change` makes of `state`: its own difference applied (so that changes made in
  /// parallel both count), or for an approval, the header it approved.
  func apply(_ change: HeaderFacts, to state: MemberState) -> MemberState {
    guard let after = change.after else { return state }
    guard let before = change.before, !change.approval else { return after }
    return state.applying(from: before, to: after)
  }

  /// The changes that count, in order: each made and signed by an Owner of the list its
  /// counting ancestors make, with the key it records for the signer. A change with one parent
  /// found what that parent made (or found, if it does not count): a chain costs a step per
  /// change; one that merged branches applies its counting ancestors anew.
  func replayed(_ signing: inout SigningKeys) -> Replayed {
    var replayed = Replayed(
      counting: PositionSet(count: changes.count))
    var made: [MemberState?] = []
    for (position, change) in changes.enumerated() {
      let found: MemberState
      switch parents[position].count {
      case 0: found = anchorState
      case 1:
        let parent = parents[position][0]
        found = made[parent] ?? replayed.found[parent]
      default: found = state(after: ancestors[position].positions(in: replayed.counting))
      }
      replayed.found.append(found)
      guard !revoked.contains(position), let key = change.signerKey, found.members[change.user] == .owner,
        found.members[change.signer] == .owner, found.signingKey(of: change.signer, &signing) == key
      else {
        made.append(nil)
        continue
      }
      made.append(apply(change, to: found))
      replayed.valid.append(position)
      replayed.counting.insert(position)
    }
    return replayed
  }

  /// The members the change at `position` takes something from (a role lowered, membership, a
  /// key replaced), judged against the list its author replayed, and against the list the
  /// counting changes before it make (`merged`): a change on a side branch that hides a member
  /// made there takes from them what readers would otherwise have seen them hold.
  func lowered(by position: Int, found: MemberState, merged: MemberState) -> Set<String> {
    let change = changes[position]
    var lowered = Set<String>()
    for found in [found, merged] {
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
  func voided(by replayed: Replayed) -> Voiding? {
    var signedBy: [String: PositionSet] = [:]
    for position in replayed.valid {
      signedBy[changes[position].signer, default: PositionSet(count: changes.count)].insert(position)
    }
    var against: [Int: [Int]] = [:]
    var merged = anchorState
    for other in replayed.valid {
      let lowered = self.lowered(by: other, found: replayed.found[other], merged: merged)
      merged = apply(changes[other], to: merged)
      // The counting changes signed by someone `other` takes from, that it was not made knowing.
      var signed = PositionSet(count: changes.count)
      for user in lowered { if let positions = signedBy[user] { signed.formUnion(positions) } }
      guard signed.meets(replayed.counting, outside: ancestors[other]) else { continue }
      // Each counting change made without knowing `other`, nor known to it, is contested when its
      // lineage (itself and its counting ancestors) holds one of those (which `other` then did
      // not know either, nor knew it: a descendant of `other` is not in such a lineage).
      var unrelated = descendants[other]
      unrelated.formUnion(ancestors[other])
      unrelated.insert(other)
      for name in replayed.counting.positions(outside: unrelated) {
        var lineage = ancestors[name]
        lineage.insert(name)
        if lineage.meets(signed, outside: ancestors[other]) { against[name, default: []].append(other) }
      }
    }
    var voided: [Int: Int] = [:]
    for (name, others) in against {
      if let firm = others.first(where: { against[$0] == nil }) { voided[name] = firm }
    }
    if !voided.isEmpty { return .changes(voided) }
    guard let (name, others) = against.min(by: { $0.key < $1.key }), let other = others.first else {
      return nil
    }
    return .conflict(name, other)
  }
}

extension MemberState {
  /// The signing part of the public identity recorded for `user`, base64.
  func signingKey(of user: String) -> String? {
    keys[user].flatMap(IdentityText.keys)?.signing.base64EncodedString()
  }

  /// The same, each recorded identity read once per replay (`signing`).
  func signingKey(of user: String, _ signing: inout SigningKeys) -> String? {
    keys[user].flatMap { signing.of($0) }
  }
}

/// The signing part of each public identity (base64), read once: a replay compares thousands of
/// changes' keys with the few identities a member list records.
struct SigningKeys {
  private var known: [String: String?] = [:]

  mutating func of(_ identity: String) -> String? {
    if let known = known[identity] { return known }
    let signing = IdentityText.keys(identity)?.signing.base64EncodedString()
    known[identity] = signing
    return signing
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

  /// Beside the anchor, the mark that this machine saw the Workspace keep a data key: removed
  /// from its files by hand, that key does not turn verification off here
  /// (`Repository.beganVerifying`). Only a Workspace with a data key is marked; a shared-key
  /// one pins an anchor too (for the parents of its header changes), which says nothing.
  private static let verifyingMagic = Array("airenv verifies 1\n".utf8)

  static func verifyingPath(_ anchorPath: String) -> String {
    String(anchorPath.dropLast(".anchor".count)) + ".verifies"
  }

  static func isMarkedVerifying(_ anchorPath: String) -> Bool {
    CacheFileReader.reading(verifyingPath(anchorPath), magic: verifyingMagic, limit: 64) { _ in true }
      ?? false
  }

  static func markVerifying(_ anchorPath: String) {
    let path = verifyingPath(anchorPath)
    guard !isMarkedVerifying(anchorPath), KeyIndex.canBeKept(at: path) else { return }
    var writer = CacheFileWriter()
    writer.append(verifyingMagic[...])
    _ = writer.replace(path)
  }
}

/// What this process found out about each Workspace's member list: the last replay, with what it
/// was replayed from (a command that verifies objects and opens the data key asks two or three
/// times, and comparing the inputs costs a fraction of replaying them), and whether the
/// Workspace began verifying (`Repository.beganVerifying`), which does not change meanwhile.
final class ReplayMemory: @unchecked Sendable {
  struct Input: Equatable {
    var headers: [String: HeaderFacts]
    var current: MemberState
    var currentDigest: String?
    var pinned: String?
  }

  private var kept: [WorkspaceID: (input: Input, result: TrustedMembers?)] = [:]
  private var began: [WorkspaceID: Bool] = [:]
  private let lock = NSLock()

  /// Whether Workspace `id` verifies by what its history and this machine recall
  /// (`Repository.beganVerifying`), found out once per process.
  func beganVerifying(_ id: WorkspaceID, _ findOut: () -> Bool) -> Bool {
    if let known = lock.withLock({ began[id] }) { return known }
    let found = findOut()
    lock.withLock { began[id] = found }
    return found
  }

  func replay(_ workspace: WorkspaceID, _ input: Input) -> TrustedMembers? {
    if let known = lock.withLock({ kept[workspace] }), known.input == input { return known.result }
    let result = TrustedMembers.replay(
      Array(input.headers.values), current: input.current, currentDigest: input.currentDigest,
      pinned: input.pinned)
    lock.withLock { kept[workspace] = (input, result) }
    return result
  }
}
