import AirenvModel
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What verifying a Workspace's objects concluded (see `Repository.unverifiedObjects`), kept
/// between processes in the user's cache directory beside the key index, so that a one-off
/// command stats each object file instead of reading it, and the entries it names, again.
///
/// A cache, never an authority: a verdict is used only while the object's file, the entry file
/// it names and that entry's signature file keep the signatures they had (device, inode, size,
/// modification and change times), and while the member list (roles and public keys) is the one
/// it was reached under. Only files that had settled are entered. It holds verdicts and names,
/// never a value; a damaged, foreign or other user's cache is ignored, and it is replaced at once.
struct VerificationCache: Equatable, Sendable {
  struct Verdict: Equatable, Sendable {
    var signature: FileSignature
    /// The entry the object's stamp named.
    var entry: String
    /// Why it is unverified; nil when it is verified.
    var reason: String?
  }

  /// The files of an entry as they were when verdicts relying on it were reached.
  struct EntryFiles: Equatable, Sendable {
    var entry: FileSignature
    var signature: FileSignature?
  }

  /// A digest of the member list the verdicts were reached under.
  var members: String
  /// By object file, relative to the Workspace directory (`connections/<id>.json`).
  var objects: [String: Verdict]
  var entries: [String: EntryFiles]
  /// Per object id, the newest signed history entry that wrote, sealed or deleted it; and the
  /// entries already looked at for it (an entry file is never rewritten but by a purge, which
  /// changes no object it names).
  var latest: [String: String]
  /// The ids whose newest signed change deleted them.
  var gone: Set<String>
  var indexed: Set<String>
  /// What each indexed entry that changed the Workspace's header did to it (few: membership
  /// and settings changes), from which the trusted member list is replayed.
  var headers: [String: HeaderFacts] = [:]
  /// Signed entries that did not verify by the keys recorded then (see `latestChanges`).
  var examined = Examined(keys: "", names: [])
  /// Who made each indexed entry: a deletion counts only by whom it may, and so does the doubt an
  /// entry that later vanishes leaves.
  var authors: [String: EntryAuthor] = [:]
  /// Entries once indexed that the history no longer holds, by name (see `latestChanges`): kept
  /// until the entry is back or a new change by someone allowed touches their objects.
  var vanished: [String: VanishedEntry] = [:]

  struct Examined: Equatable, Sendable {
    /// A digest of the recorded keys they were judged by: other keys, and they are read again.
    var keys: String
    var names: Set<String>

    static func digest(of recorded: [String: String]) -> String {
      let text = recorded.sorted { $0.key < $1.key }.map { $0.key + "\0" + $0.value + "\n" }.joined()
      return hexadecimal(SHA256.hash(data: Data(text.utf8)))
    }
  }

  private static let magic = Array("airenv verification 11\n".utf8)
  private static let largestFile = 64 * 1024 * 1024

  /// Room made ahead for `count` items a cache file says it holds (a damaged file could say
  /// millions: what is beyond this grows as it is read).
  private static func reservation(_ count: Int) -> Int { min(count, 1 << 16) }

  /// The cache file of a Workspace in `directory`, beside its key index.
  static func path(in directory: String, root: String, workspace: WorkspaceID) -> String {
    String(KeyIndex.path(in: directory, root: root, workspace: workspace).dropLast(".keys".count))
      + ".verified"
  }

  /// The digest of what a verdict depends on in the member list: each member's role and key as
  /// judged, the key the data key is wrapped for (`wrapped`, by member) and the key the stored
  /// list records (`recorded`), which signatures were checked against.
  static func members(of workspace: Workspace, wrapped: [String: String], recorded: [String: String])
    -> String
  {
    var text = ""
    let users = Set(workspace.members.keys).union(workspace.memberKeys.keys).union(wrapped.keys).union(
      recorded.keys)
    for user in users.sorted() {
      text += user + "\0" + (workspace.members[user]?.rawValue ?? "") + "\0"
      text += (workspace.memberKeys[user] ?? "") + "\0" + (wrapped[user] ?? "") + "\0"
      text += (recorded[user] ?? "") + "\n"
    }
    return hexadecimal(SHA256.hash(data: Data(text.utf8)))
  }

  init(
    members: String, objects: [String: Verdict], entries: [String: EntryFiles], latest: [String: String],
    gone: Set<String>, indexed: Set<String>
  ) {
    self.gone = gone
    self.members = members
    self.objects = objects
    self.entries = entries
    self.latest = latest
    self.indexed = indexed
  }

  /// The cache at `path`; nil when there is none, it is not whole, or it is not private.
  /// Without `verdicts`, only the member digest and the history index are kept (a save, which
  /// judges the few objects it rewrites itself): the rest is walked over, not built.
  init?(readingFrom path: String, verdicts: Bool = true) {
    let read = CacheFileReader.reading(path, magic: Self.magic, limit: Self.largestFile) {
      reader throws(CacheFileDamage) -> VerificationCache in
      let members = try reader.string()
      var entries: [String: EntryFiles] = [:]
      let entryCount = try reader.count()
      if verdicts { entries.reserveCapacity(Self.reservation(entryCount)) }
      for _ in 0..<entryCount {
        let name = try reader.string()
        let entry = try KeyIndex.signature(&reader)
        let signature = try reader.unsigned() == 1 ? try KeyIndex.signature(&reader) : nil
        if verdicts { entries[name] = EntryFiles(entry: entry, signature: signature) }
      }
      var objects: [String: Verdict] = [:]
      let objectCount = try reader.count()
      if verdicts { objects.reserveCapacity(Self.reservation(objectCount)) }
      for _ in 0..<objectCount {
        guard verdicts else {
          try reader.skipString()
          _ = try KeyIndex.signature(&reader)
          try reader.skipString()
          if try reader.unsigned() == 1 { try reader.skipString() }
          continue
        }
        let name = try reader.string()
        let signature = try KeyIndex.signature(&reader)
        let entry = try reader.string()
        let reason = try reader.unsigned() == 1 ? try reader.string() : nil
        objects[name] = Verdict(signature: signature, entry: entry, reason: reason)
      }
      var latest: [String: String] = [:]
      let latestCount = try reader.count()
      latest.reserveCapacity(Self.reservation(latestCount))
      for _ in 0..<latestCount {
        let id = try reader.string()
        latest[id] = try reader.string()
      }
      let indexedCount = try reader.count()
      var indexed = Set<String>(minimumCapacity: Self.reservation(indexedCount))
      for _ in 0..<indexedCount { indexed.insert(try reader.string()) }
      var gone = Set<String>()
      for _ in 0..<(try reader.count()) { gone.insert(try reader.string()) }
      var headers: [String: HeaderFacts] = [:]
      for _ in 0..<(try reader.count()) {
        let header = try Self.header(&reader)
        headers[header.entry] = header
      }
      var examined = Examined(keys: try reader.string(), names: [])
      for _ in 0..<(try reader.count()) { examined.names.insert(try reader.string()) }
      let authors = try Self.authors(&reader)
      var vanished: [String: VanishedEntry] = [:]
      for _ in 0..<(try reader.count()) {
        let entry = try reader.string()
        var objects = Set<String>()
        for _ in 0..<(try reader.count()) { objects.insert(try reader.string()) }
        vanished[entry] = VanishedEntry(author: nil, objects: objects)
      }
      for (entry, author) in try Self.authors(&reader) { vanished[entry]?.author = author }
      var cache = VerificationCache(
        members: members, objects: objects, entries: entries, latest: latest, gone: gone, indexed: indexed)
      cache.headers = headers
      cache.examined = examined
      cache.authors = authors
      cache.vanished = vanished
      return cache
    }
    guard let read else { return nil }
    self = read
  }

  /// Replaces the cache at `path` at once; false when it could not be written, which is not an
  /// error (the next command verifies from the files).
  @discardableResult
  func write(to path: String) -> Bool {
    guard KeyIndex.canBeKept(at: path) else { return false }
    var writer = CacheFileWriter()
    writer.append(Self.magic[...])
    writer.string(members)
    writer.unsigned(UInt64(entries.count))
    for (name, files) in entries.sorted(by: { $0.key < $1.key }) {
      writer.string(name)
      KeyIndex.signature(files.entry, to: &writer)
      if let signature = files.signature {
        writer.unsigned(1)
        KeyIndex.signature(signature, to: &writer)
      } else {
        writer.unsigned(0)
      }
    }
    writer.unsigned(UInt64(objects.count))
    for (name, verdict) in objects.sorted(by: { $0.key < $1.key }) {
      writer.string(name)
      KeyIndex.signature(verdict.signature, to: &writer)
      writer.string(verdict.entry)
      if let reason = verdict.reason {
        writer.unsigned(1)
        writer.string(reason)
      } else {
        writer.unsigned(0)
      }
    }
    writer.unsigned(UInt64(latest.count))
    for (id, entry) in latest.sorted(by: { $0.key < $1.key }) {
      writer.string(id)
      writer.string(entry)
    }
    writer.unsigned(UInt64(indexed.count))
    for name in indexed.sorted() { writer.string(name) }
    writer.unsigned(UInt64(gone.count))
    for id in gone.sorted() { writer.string(id) }
    writer.unsigned(UInt64(headers.count))
    for (_, header) in headers.sorted(by: { $0.key < $1.key }) { Self.header(header, to: &writer) }
    writer.string(examined.keys)
    writer.unsigned(UInt64(examined.names.count))
    for name in examined.names.sorted() { writer.string(name) }
    Self.authors(authors, to: &writer)
    writer.unsigned(UInt64(vanished.count))
    for (entry, record) in vanished.sorted(by: { $0.key < $1.key }) {
      writer.string(entry)
      writer.unsigned(UInt64(record.objects.count))
      for id in record.objects.sorted() { writer.string(id) }
    }
    Self.authors(vanished.compactMapValues(\.author), to: &writer)
    // One that would be refused when read is not written: the cache there stays what it was
    // (what this machine saw is not forgotten by swelling it).
    guard writer.bytes.count + 32 <= Self.largestFile else { return false }
    return writer.replace(path)
  }

  private static func authors(_ authors: [String: EntryAuthor], to writer: inout CacheFileWriter) {
    writer.unsigned(UInt64(authors.count))
    for (entry, author) in authors.sorted(by: { $0.key < $1.key }) {
      writer.string(entry)
      writer.string(author.user)
      writer.string(author.signer)
      writer.unsigned(author.purged ? 1 : 0)
      writer.unsigned(author.key == nil ? 0 : 1)
      if let key = author.key { writer.string(key) }
    }
  }

  private static func authors(_ reader: inout CacheFileReader) throws(CacheFileDamage) -> [String:
    EntryAuthor]
  {
    var authors: [String: EntryAuthor] = [:]
    for _ in 0..<(try reader.count()) {
      let entry = try reader.string()
      let user = try reader.string()
      let signer = try reader.string()
      let purged = try reader.unsigned() == 1
      let key = try reader.unsigned() == 1 ? try reader.string() : nil
      authors[entry] = EntryAuthor(user: user, signer: signer, purged: purged, key: key)
    }
    return authors
  }

  private static func header(_ header: HeaderFacts, to writer: inout CacheFileWriter) {
    func optional(_ text: String?) {
      writer.unsigned(text == nil ? 0 : 1)
      if let text { writer.string(text) }
    }
    func state(_ state: MemberState?) {
      writer.unsigned(state == nil ? 0 : 1)
      guard let state else { return }
      writer.unsigned(UInt64(state.members.count))
      for (user, role) in state.members.sorted(by: { $0.key < $1.key }) {
        writer.string(user)
        writer.string(role.rawValue)
      }
      writer.unsigned(UInt64(state.keys.count))
      for (user, key) in state.keys.sorted(by: { $0.key < $1.key }) {
        writer.string(user)
        writer.string(key)
      }
      writer.unsigned(state.secretsFetching ? 1 : 0)
      optional(state.dataKey)
    }
    writer.string(header.entry)
    writer.string(header.user)
    writer.string(header.signer)
    optional(header.signerKey)
    writer.unsigned(header.approval ? 1 : 0)
    state(header.before)
    optional(header.beforeDigest)
    state(header.after)
    optional(header.afterDigest)
    writer.unsigned(header.parents.map { UInt64($0.count) + 1 } ?? 0)
    for parent in header.parents ?? [] { writer.string(parent) }
  }

  private static func header(_ reader: inout CacheFileReader) throws(CacheFileDamage) -> HeaderFacts {
    func optional() throws(CacheFileDamage) -> String? {
      try reader.unsigned() == 1 ? try reader.string() : nil
    }
    func state() throws(CacheFileDamage) -> MemberState? {
      guard try reader.unsigned() == 1 else { return nil }
      var members: [String: Role] = [:]
      for _ in 0..<(try reader.count()) {
        let user = try reader.string()
        guard let role = Role(rawValue: try reader.string()) else { throw CacheFileDamage() }
        members[user] = role
      }
      var keys: [String: String] = [:]
      for _ in 0..<(try reader.count()) {
        let user = try reader.string()
        keys[user] = try reader.string()
      }
      let fetching = try reader.unsigned() == 1
      return MemberState(members: members, keys: keys, secretsFetching: fetching, dataKey: try optional())
    }
    let entry = try reader.string()
    let user = try reader.string()
    let signer = try reader.string()
    let signerKey = try optional()
    let approval = try reader.unsigned() == 1
    let before = try state()
    let beforeDigest = try optional()
    let after = try state()
    let afterDigest = try optional()
    let count = try reader.unsigned()
    var parents: [String]?
    if count > 0 {
      guard count <= 1 << 20 else { throw CacheFileDamage() }
      parents = try (1..<count).map { _ throws(CacheFileDamage) in try reader.string() }
    }
    return HeaderFacts(
      entry: entry, user: user, signer: signer, signerKey: signerKey, approval: approval, before: before,
      beforeDigest: beforeDigest, after: after, afterDigest: afterDigest, parents: parents)
  }
}

/// An entry this machine indexed that the history no longer holds: who made it (when known) and
/// the objects it was the newest change of, which are in doubt.
struct VanishedEntry: Equatable, Sendable {
  var author: EntryAuthor?
  var objects: Set<String>
}
