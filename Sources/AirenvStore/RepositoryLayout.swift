import Foundation

/// Where each piece of a repository lives. One file per object keeps git diffs small and
/// lets two people who change different objects merge without conflicts.
///
///     <root>/airenv.json                                  format version, default Workspace
///     <root>/.lock                                        advisory lock for writers
///     <root>/.journal.json                                only while a multi-file change commits
///     <root>/.journal.data                                the bytes a change of many files writes
///     <root>/workspaces/<workspace-id>/workspace.json     name, stamp
///     <root>/workspaces/<workspace-id>/keys.json          its data key wrapped per member (identities)
///     <root>/workspaces/<workspace-id>/deployments/<deployment-id>.json
///     <root>/workspaces/<workspace-id>/connections/<object-id>.json
///     <root>/workspaces/<workspace-id>/variables/<object-id>.json
///     <root>/workspaces/<workspace-id>/history/<time>-<sequence>-<tag>.json  one per saved change
///     <root>/workspaces/<workspace-id>/delivery/<deployment-id>.json what was last applied to its target
struct RepositoryLayout {
  let root: String

  var index: String { root + "/airenv.json" }
  var lock: String { root + "/.lock" }
  var journal: String { root + "/.journal.json" }
  /// The bytes of a change of many files, which its journal names by offset (see `Journal`).
  var journalData: String { root + "/.journal.data" }
  var workspaces: String { root + "/workspaces" }

  func relative(_ path: String) -> String {
    path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  }

  func absolute(_ relative: String) -> String { root + "/" + relative }

  /// Whether a path the journal names is one airenv writes: the index, a Workspace's file, or
  /// a JSON file of one of its directories (and, for `temporary`, the hidden temporary name of
  /// such a file in the same directory).
  func isJournalTarget(_ relative: String, temporary: Bool = false) -> Bool {
    guard isContained(relative) else { return false }
    let parts = relative.split(separator: "/").map(String.init)
    let name = parts.last ?? ""
    let file: String
    if temporary {
      guard name.hasPrefix("."), let mark = name.range(of: ".tmp-") else { return false }
      file = String(name[name.index(after: name.startIndex)..<mark.lowerBound])
    } else {
      file = name
    }
    switch parts.count {
    case 1: return file == "airenv.json"
    case 3: return parts[0] == "workspaces" && (file == "workspace.json" || file == "keys.json")
    case 4:
      return parts[0] == "workspaces"
        && ["deployments", "connections", "variables", "history", "delivery"].contains(parts[2])
        && (file.hasSuffix(".json")
          || ["history", "delivery"].contains(parts[2]) && file.hasSuffix(HistorySignature.fileExtension))
        && !file.hasPrefix(".")
    default: return false
    }
  }

  /// Whether a relative path read from a file (the journal) stays inside the repository: no
  /// absolute path, no `..`, no empty or hidden-directory tricks, only names airenv writes.
  func isContained(_ relative: String) -> Bool {
    let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
    guard !parts.isEmpty, !relative.hasPrefix("/") else { return false }
    return parts.allSatisfy { part in
      !part.isEmpty && part != "." && part != ".."
        && part.utf8.allSatisfy { byte in
          byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\")
        }
    }
  }

  /// The Workspace id of a path inside `workspaces/<id>/`, if it is one.
  func workspace(containing path: String) -> String? {
    guard path.hasPrefix(workspaces + "/") else { return nil }
    return path.dropFirst(workspaces.count + 1).split(separator: "/").first.map(String.init)
  }

  func workspaceDirectory(_ id: String) -> String { workspaces + "/" + id }
  func workspaceFile(_ id: String) -> String { workspaceDirectory(id) + "/workspace.json" }
  func deployments(_ id: String) -> String { workspaceDirectory(id) + "/deployments" }
  func connections(_ id: String) -> String { workspaceDirectory(id) + "/connections" }
  func variables(_ id: String) -> String { workspaceDirectory(id) + "/variables" }
  /// One file per saved change, written in the same commit as the change, named by the time of
  /// the change (UTC, to the second), its sequence and a random tag:
  /// `20261128T033622Z-0000000012-9f3c01aa.json`. Listed by name the entries are in time order,
  /// also after git merged two clones' changes, and two clones never write the same name.
  /// (Names without the time, `0000000012-9f3c01aa.json`, or without the tag, which airenv
  /// wrote before, are read too: they sort before every name with a time.)
  static func historyFileName(_ sequence: Int, time: Date) -> String {
    var generator = SystemRandomNumberGenerator()
    let tag = String(generator.next() as UInt32, radix: 16)
    return historyTimeText(time) + "-" + String(format: "%010d", sequence) + "-"
      + String(repeating: "0", count: 8 - tag.count) + tag + ".json"
  }

  /// A change's time as its history file's name begins: `20261128T033622Z`.
  static func historyTimeText(_ time: Date) -> String {
    var seconds = time_t(time.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return String(
      format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday),
      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
  }

  /// The time a history file's name begins with, back as a date (read as the stamps are, so
  /// only a date that exists).
  static func historyTime(fromText text: String) -> Date? {
    let digits = Array(text.utf8)
    guard digits.count == 16, digits[8] == UInt8(ascii: "T"), digits[15] == UInt8(ascii: "Z") else {
      return nil
    }
    func part(_ range: Range<Int>) -> String { String(decoding: digits[range], as: UTF8.self) }
    return StoredFile.date(
      fromStamp:
        "\(part(0..<4))-\(part(4..<6))-\(part(6..<8))T\(part(9..<11)):\(part(11..<13)):\(part(13..<15))Z")
  }

  /// The length of a history file's name without `.json` when it begins with a time.
  static let timedHistoryStemLength = 36

  /// Ten digits: a name that claims more is not one airenv wrote.
  static let largestHistorySequence = 9_999_999_999

  /// A history file's name read: its sequence and, in names that begin with it, the time.
  static func historyName(fileName name: String) -> (sequence: Int, time: String?)? {
    guard name.hasSuffix(".json") else { return nil }
    let bytes = Array(name.utf8.dropLast(5))
    func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { (0x30...0x39).contains($0) } }
    func sequence(at start: Int) -> Int? {
      guard digits(start..<start + 10) else { return nil }
      return Int(String(decoding: bytes[start..<start + 10], as: UTF8.self))
    }
    func tag(at start: Int) -> Bool {
      bytes[start] == UInt8(ascii: "-")
        && bytes[start + 1..<start + 9].allSatisfy {
          (0x30...0x39).contains($0) || (0x61...0x66).contains($0)
        }
    }
    switch bytes.count {
    case 10: return sequence(at: 0).map { ($0, nil) }
    case 19: return tag(at: 10) ? sequence(at: 0).map { ($0, nil) } : nil
    case timedHistoryStemLength:
      guard digits(0..<8), bytes[8] == UInt8(ascii: "T"), digits(9..<15), bytes[15] == UInt8(ascii: "Z"),
        bytes[16] == UInt8(ascii: "-"), tag(at: 27), let number = sequence(at: 17)
      else { return nil }
      return (number, String(decoding: bytes[0..<16], as: UTF8.self))
    default: return nil
    }
  }

  /// Whether `name` is a history entry file's name without `.json` (a stamp's `entry`): never
  /// a path.
  static func isHistoryStem(_ name: String) -> Bool {
    !name.contains("/") && historyName(fileName: name + ".json") != nil
  }

  func history(_ id: String) -> String { workspaceDirectory(id) + "/history" }
  func delivery(_ id: String) -> String { workspaceDirectory(id) + "/delivery" }
}
