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
  /// The signer's public identity the entry's signature was checked with.
  var signerKey: String?
  /// Whether the entry is an approval of the header as stored (`airenv approve workspace`).
  var approval: Bool
  /// The header before the change (nil: the entry created the Workspace) and its digest.
  var before: MemberState?
  var beforeDigest: String?
  /// The header after it; nil when the entry did not record it (an earlier airenv did not).
  var after: MemberState?
  var afterDigest: String?
}

/// The member list as signed changes made it, replayed from the Workspace's first signed change
/// of its header: each later change counts only when an Owner of the list as it stood then made
/// it, signed with the key that list records for them. A member list edited by hand, put back
/// from an older commit, or changed by someone no Owner made an Owner, is then not the trusted
/// one, and nothing its roles or keys would allow is verified.
struct TrustedMembers: Equatable, Sendable {
  var state: MemberState
  /// Why the header on disk is not the trusted one; nil when it is.
  var problem: String?
  /// The entry the replay started from (the creation, or the first signed change of an older
  /// Workspace): readers remember it, and refuse a history that later lacks it.
  var anchor: String?

  /// Nobody trusted, for a history that cannot be replayed: nothing verifies, no envelope opens.
  static func untrusted(_ problem: String) -> TrustedMembers {
    TrustedMembers(state: MemberState(members: [:], keys: [:], secretsFetching: false), problem: problem)
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
    let anchored = resolvingAfter(
      start.map { start in ordered.filter { $0.entry >= start } } ?? ordered, current: current,
      currentDigest: currentDigest)
    // Entry names (times) are their authors' to choose, so order alone proves nothing about who
    // knew what. A change whose author another change took something from (role, membership,
    // key) counts only if that change was made knowing it: otherwise it may be dated back by
    // someone no longer allowed. Two such changes against each other's authors, neither made
    // knowing the other, cannot both stand and neither is believed. Replayed until none is left.
    var revoked = Set<String>()
    while true {
      let (state, accepted, trustedKeys) = replay(anchored, excluding: revoked)
      guard let state else { return nil }
      // Only a change by an Owner of the list at some point, with the key it recorded for them
      // then, may take something from someone.
      var lowering: [String: [HeaderFacts]] = [:]
      for change in anchored where !revoked.contains(change.entry) {
        guard let key = change.signerKey, trustedKeys.contains(change.signer + "\0" + key) else { continue }
        for user in change.lowered { lowering[user, default: []].append(change) }
      }
      var found: HeaderFacts?
      for change in accepted {
        for other in lowering[change.signer] ?? [] where other.entry != change.entry {
          // Made one knowing the other, and dated so, they were judged in that order; a change
          // that found what a later-dated one did was dated back.
          if other.knows(change, among: accepted) && other.entry > change.entry { continue }
          let knowing = change.knows(other, among: accepted)
          if knowing && change.entry > other.entry { continue }
          if !knowing && change.lowered.contains(other.signer) {
            return untrusted(
              "changes \(change.entry) by \(change.signer.prefix(80)) and \(other.entry) by "
                + "\(other.signer.prefix(80)) each take something from the other's author, and neither was made "
                + "knowing the other (one dated back by hand?); restore the history from git")
          }
          found = change
          break
        }
        if found != nil { break }
      }
      if let found {
        revoked.insert(found.entry)
        continue
      }
      return TrustedMembers(
        state: state, problem: state.difference(in: current), anchor: accepted.first?.entry)
    }
  }

  /// `anchored` with what each entry left the header as: recorded, or for an entry by an earlier
  /// airenv, the header the next change found, or the header now, where their digests say so;
  /// an entry whose result cannot be told is left out.
  private static func resolvingAfter(_ anchored: [HeaderFacts], current: MemberState, currentDigest: String?)
    -> [HeaderFacts]
  {
    var positions: [String: [Int]] = [:]
    for (position, change) in anchored.enumerated() {
      if let digest = change.beforeDigest { positions[digest, default: []].append(position) }
    }
    return anchored.enumerated().compactMap { position, change in
      guard change.after == nil else { return change }
      guard let digest = change.afterDigest else { return nil }
      var resolved = change
      if let next = positions[digest]?.first(where: { $0 > position }) {
        resolved.after = anchored[next].before
      } else if digest == currentDigest {
        resolved.after = current
      }
      return resolved.after == nil ? nil : resolved
    }
  }

  /// The member list `anchored` (in order, from the anchor) makes, but for the entries in
  /// `revoked`; with the changes that counted, and each Owner's signing key (`user\0key`) the
  /// list held at some point.
  private static func replay(_ anchored: [HeaderFacts], excluding revoked: Set<String>)
    -> (MemberState?, [HeaderFacts], Set<String>)
  {
    var state: MemberState?
    var accepted: [HeaderFacts] = []
    var trustedKeys = Set<String>()
    for change in anchored where !revoked.contains(change.entry) {
      guard let after = change.after else { continue }
      // The anchor (the creation, or for a Workspace created before headers were signed, its
      // first signed change, which may find no keys recorded yet) is judged by the header it
      // made or found; later ones by the member list replayed so far.
      let judged = state ?? change.before ?? after
      guard judged.members[change.user] == .owner, judged.members[change.signer] == .owner,
        let signerKey = change.signerKey,
        judged.signingKey(of: change.signer) == signerKey
          || (state == nil && change.before != nil && judged.keys[change.signer] == nil)
      else { continue }
      if let trusted = state, let before = change.before, !change.approval {
        state = trusted.applying(from: before, to: after)
      } else {
        state = after
      }
      accepted.append(change)
      trustedKeys.insert(change.signer + "\0" + signerKey)
      for (user, role) in state?.members ?? [:] where role == .owner {
        if let key = state?.signingKey(of: user) { trustedKeys.insert(user + "\0" + key) }
      }
    }
    return (state, accepted, trustedKeys)
  }
}

extension MemberState {
  /// The signing part of the public identity recorded for `user`, base64.
  func signingKey(of user: String) -> String? {
    keys[user].flatMap(IdentityText.keys)?.signing.base64EncodedString()
  }
}

extension HeaderFacts {
  /// The members this change takes something from: lowers their role, removes them, or
  /// replaces the key recorded for them (recording a first one takes nothing).
  var lowered: Set<String> {
    guard let before, let after else { return [] }
    return Set(
      before.members.compactMap { user, role in
        (after.members[user].map { $0 < role } ?? true)
          || (before.keys[user] != nil && before.keys[user] != after.keys[user]) ? user : nil
      })
  }

  /// Whether this change was made knowing `change`: the header it found holds what `change`
  /// did, in each field, or what a later accepted change (dated between the two) made of it.
  func knows(_ change: HeaderFacts, among accepted: [HeaderFacts]) -> Bool {
    guard let found = before?.fields, let made = change.after?.fields else { return false }
    let origin = change.before?.fields ?? [:]
    let between = accepted.filter { $0.entry > change.entry && $0.entry < entry }
    for (field, value) in made.merging(origin.mapValues { _ in "" }, uniquingKeysWith: { made, _ in made })
    where origin[field] ?? "" != value {
      let holds = found[field] ?? ""
      if holds == value { continue }
      let overridden = between.contains { other in
        (other.before?.fields[field] ?? "") != (other.after?.fields[field] ?? "")
          && (other.after?.fields[field] ?? "") == holds
      }
      if !overridden { return false }
    }
    return true
  }
}

extension MemberState {
  /// Each field that decides what members may do, by name, with its value as text.
  var fields: [String: String] {
    var fields: [String: String] = [
      "secretsFetching": secretsFetching ? "on" : "off", "dataKey": dataKey ?? "",
    ]
    for (user, role) in members { fields["role\0" + user] = role.rawValue }
    for (user, key) in keys { fields["key\0" + user] = key }
    return fields
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
