import AirenvModel
import Crypto
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which key each connection and variable file of a Workspace holds, kept between processes in
/// the user's cache directory, so that a one-off command naming a key need not read 10,000
/// files to find the few that hold it.
///
/// It is a cache, never an authority: an entry is used only while its file has the signature
/// it had when it was parsed (device, inode, size, modification and change times), and only
/// files that had settled then are entered (see `FileSignature.isSettled`). It holds keys and
/// file names, never a value. A damaged, truncated or foreign index is ignored and written
/// again from the files; it is replaced atomically, so concurrent writers and a process killed
/// half-way leave a whole index or none.
struct KeyIndex: Equatable, Sendable {
  struct Entry: Equatable, Sendable {
    var name: String
    var signature: FileSignature
    var key: String
  }

  /// Directory ("connections", "variables") → its files' entries, sorted by file name as a
  /// directory listing is, so that the two are walked side by side without hashing 10,000 names.
  var sections: [String: [Entry]]

  private static let magic = Array("airenv key index 1\n".utf8)
  private static let largestFile = 64 * 1024 * 1024

  /// `sections` in any order; each is kept sorted by file name.
  init(sections: [String: [Entry]]) {
    self.sections = sections.mapValues { $0.sorted { $0.name < $1.name } }
  }

  /// The index file of a Workspace in `directory`, named for the repository and the Workspace.
  static func path(in directory: String, root: String, workspace: WorkspaceID) -> String {
    var absolute = root
    if let resolved = realpath(root, nil) {
      absolute = String(cString: resolved)
      free(resolved)
    }
    let name = hexadecimal(SHA256.hash(data: Data((absolute + "\n" + workspace).utf8))).prefix(32)
    return directory + "/" + name + ".keys"
  }

  /// The cache directory: `$XDG_CACHE_HOME/airenv`, else `~/.cache/airenv`; nil when neither
  /// is an absolute path (no index is kept then).
  static func directory(environment: [String: String]) -> String? {
    if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") { return cache + "/airenv" }
    if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.cache/airenv" }
    return nil
  }

  /// Whether `entries` (by section, in any order) holds one this index lacks or holds otherwise.
  func lacksAny(of entries: [String: [Entry]]) -> Bool {
    entries.contains { section, entries in
      let known = sections[section] ?? []
      return entries.contains { entry in
        // Binary search: the index is sorted by file name.
        var low = 0
        var high = known.count
        while low < high {
          let middle = (low + high) / 2
          if known[middle].name < entry.name { low = middle + 1 } else { high = middle }
        }
        return low == known.count || known[low] != entry
      }
    }
  }

  /// Whether `path` is this user's own and no one else may write it (nor its directory): an
  /// index another user could plant would tell a command to skip files.
  static func isPrivate(_ path: String) -> Bool {
    isOwnAndClosed(path) && isOwnAndClosed(path.parent)
  }

  private static func isOwnAndClosed(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0 && status.st_uid == geteuid() && status.st_mode & 0o022 == 0
  }

  /// The index at `path`; nil when there is none, it is not whole, or it is not private.
  init?(readingFrom path: String) {
    let read = CacheFileReader.reading(path, magic: Self.magic, limit: Self.largestFile) {
      reader throws(CacheFileDamage) -> [String: [Entry]] in
      var sections: [String: [Entry]] = [:]
      for _ in 0..<(try reader.count()) {
        let section = try reader.string()
        let count = try reader.count()
        var entries: [Entry] = []
        entries.reserveCapacity(min(count, 1 << 16))
        for _ in 0..<count {
          let name = try reader.string()
          // Sorted, each name once: anything else was not written by `write`.
          guard entries.last.map({ $0.name < name }) ?? true else { throw CacheFileDamage() }
          entries.append(Entry(name: name, signature: try Self.signature(&reader), key: try reader.string()))
        }
        sections[section] = entries
      }
      return sections
    }
    guard let read else { return nil }
    sections = read
  }

  /// Whether an index can be kept at `path`: its directory exists (or is made), is this user's
  /// own and writable.
  static func canBeKept(at path: String) -> Bool {
    (try? FileSystem.makeDirectory(path.parent)) != nil && access(path.parent, W_OK) == 0
      && isOwnAndClosed(path.parent)
  }

  /// Replaces the index at `path` at once. An index that cannot be written is not an error:
  /// the next command reads the files.
  func write(to path: String) {
    var writer = CacheFileWriter()
    writer.append(Self.magic[...])
    writer.unsigned(UInt64(sections.count))
    for (name, entries) in sections.sorted(by: { $0.key < $1.key }) {
      writer.string(name)
      writer.unsigned(UInt64(entries.count))
      for entry in entries {
        writer.string(entry.name)
        Self.signature(entry.signature, to: &writer)
        writer.string(entry.key)
      }
    }
    writer.replace(path)
  }

  static func signature(_ signature: FileSignature, to writer: inout CacheFileWriter) {
    writer.unsigned(signature.device)
    writer.unsigned(signature.inode)
    writer.integer(signature.size)
    for time in [signature.modified, signature.changed] {
      writer.integer(Int64(time.tv_sec))
      writer.integer(Int64(time.tv_nsec))
    }
  }

  static func signature(_ reader: inout CacheFileReader) throws(CacheFileDamage) -> FileSignature {
    let device = try reader.unsigned()
    let inode = try reader.unsigned()
    let size = try reader.integer()
    var times: [timespec] = []
    for _ in 0..<2 {
      guard let seconds = Int(exactly: try reader.integer()),
        let nanoseconds = Int(exactly: try reader.integer())
      else { throw CacheFileDamage() }
      times.append(timespec(tv_sec: seconds, tv_nsec: nanoseconds))
    }
    return FileSignature(device: device, inode: inode, size: size, modified: times[0], changed: times[1])
  }
}
