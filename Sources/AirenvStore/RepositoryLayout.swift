import Foundation

/// Where each piece of a repository lives. One file per object keeps git diffs small and
/// lets two people who change different objects merge without conflicts.
///
///     <root>/airenv.json                                  format version, default Workspace
///     <root>/.lock                                        advisory lock for writers
///     <root>/.journal.json                                only while a multi-file change commits
///     <root>/workspaces/<workspace-id>/workspace.json     name, stamp
///     <root>/workspaces/<workspace-id>/deployments/<deployment-id>.json
///     <root>/workspaces/<workspace-id>/connections/<object-id>.json
///     <root>/workspaces/<workspace-id>/variables/<object-id>.json
///     <root>/workspaces/<workspace-id>/history/<sequence>.json       one per saved change
///     <root>/workspaces/<workspace-id>/delivery/<deployment-id>.json what was last applied to its target
struct RepositoryLayout {
  let root: String

  var index: String { root + "/airenv.json" }
  var lock: String { root + "/.lock" }
  var journal: String { root + "/.journal.json" }
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
    case 3: return parts[0] == "workspaces" && file == "workspace.json"
    case 4:
      return parts[0] == "workspaces"
        && ["deployments", "connections", "variables", "history", "delivery"].contains(parts[2])
        && file.hasSuffix(".json") && !file.hasPrefix(".")
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
  /// One file per saved change, `<sequence>.json`, written in the same commit as the change.
  /// History entries are named by their sequence and a random tag: two clones that each save
  /// entry 7 write different files, so git merges both without a conflict. (Names without the
  /// tag, which airenv wrote before, are read too.)
  static func historyFileName(_ sequence: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let tag = String(generator.next() as UInt32, radix: 16)
    return String(format: "%010d", sequence) + "-" + String(repeating: "0", count: 8 - tag.count) + tag
      + ".json"
  }

  /// Ten digits: a name that claims more is not one airenv wrote.
  static let largestHistorySequence = 9_999_999_999

  /// The sequence in a history file's name: ten digits, optionally `-` and eight hexadecimal
  /// digits, then `.json`.
  static func historySequence(fileName name: String) -> Int? {
    let bytes = Array(name.utf8)
    guard bytes.count == 15 || bytes.count == 24, name.hasSuffix(".json") else { return nil }
    let digits = bytes[0..<10]
    guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    if bytes.count == 24 {
      guard bytes[10] == UInt8(ascii: "-"),
        bytes[11..<19].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
      else { return nil }
    }
    return Int(String(decoding: digits, as: UTF8.self))
  }

  func history(_ id: String) -> String { workspaceDirectory(id) + "/history" }
  func delivery(_ id: String) -> String { workspaceDirectory(id) + "/delivery" }
}
