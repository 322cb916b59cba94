import AirenvModel
import Crypto
import Foundation

/// One saved change: who, when, which command, and per object the fields that changed.
/// Secret fields say only that they changed; `before`/`after` are the objects as stored
/// (secrets as ciphertexts) so that the change can be undone.
public struct HistoryEntry: Codable, Equatable, Sendable {
  public var sequence: Int
  public var time: Date
  public var user: String
  public var command: String
  /// The Deployment the command was about, where there is one.
  public var deployment: String?
  public var changes: [ObjectChange]
  /// The entry this one reverted (undo), or re-applied (redo), by sequence (as shown) and by
  /// file name (which, unlike a sequence after a git merge, names one entry).
  public var undoes: Int?
  public var redoes: Int?
  public var undoesEntry: String?
  public var redoesEntry: String?
  /// The objects this change sealed again with a new data key and nothing else, by id, each
  /// with the digest of what it wrote (as `ObjectChange.afterDigest`): readers verify those
  /// files against this entry, which records no other change of them.
  public var sealed: [String: String]?
  /// The name of the entry's file without `.json`; given on reading, not stored in it.
  public internal(set) var name = ""

  enum CodingKeys: String, CodingKey {
    case sequence, time, user, command, deployment, changes, undoes, redoes, undoesEntry, redoesEntry, sealed
  }

  /// The order of the history: entries whose file name has no time (written by an earlier
  /// airenv) first, by sequence; then by time, sequence and name, which is the order of their
  /// file names, so that the newest N by name (`history --limit`) are the last N here.
  static func precedes(_ left: HistoryEntry, _ right: HistoryEntry) -> Bool {
    let timed = RepositoryLayout.timedHistoryStemLength
    let (leftTimed, rightTimed) = (left.name.utf8.count == timed, right.name.utf8.count == timed)
    if leftTimed != rightTimed { return rightTimed }
    if !leftTimed { return (left.sequence, left.time, left.name) < (right.sequence, right.time, right.name) }
    return (left.time, left.sequence, left.name) < (right.time, right.sequence, right.name)
  }

  /// The entry an undo (`undoes`) or a redo (`redoes`) refers to, by name: the one it records,
  /// or for an entry written before names were recorded, the latest earlier entry of its user
  /// with that sequence.
  static func referent(
    of entry: HistoryEntry, _ sequence: Int?, _ name: String?, among entries: [HistoryEntry]
  ) -> String? {
    if let name { return name }
    guard let sequence, let position = entries.firstIndex(where: { $0.name == entry.name }) else {
      return nil
    }
    return entries[..<position].last { $0.user == entry.user && $0.sequence == sequence }?.name
  }

  /// An apply or a pull: it records what reached Airflow, which undo cannot take back.
  public var isDelivery: Bool { changes.contains { $0.kind == "delivery" } }

  /// A `key migrate` or `key rotate`: undo passes over it, as over a delivery (there is no
  /// earlier key to go back to).
  public var isKeyChange: Bool {
    changes.contains { $0.kind == "keys" && $0.key == Self.standaloneKeyChange }
  }

  /// An approval of deletions nobody allowed to had made (`Repository.approveDeletions`): it
  /// keeps no earlier version to bring back, and undo passes over it.
  public var approvesDeletions: Bool {
    command == Repository.approval && !changes.isEmpty
      && changes.allSatisfy { $0.afterDigest == nil && $0.before == .object([:]) }
  }

  /// The creation of a Workspace with a data key, which anchors its signed member list: undo
  /// passes over it (`workspace delete` is the way back).
  public var createsWorkspace: Bool { changes.contains { $0.kind == "workspace" && $0.before == nil } }
  static let standaloneKeyChange = "data key made anew"

  /// What the change did in a line: each object with the fields that changed, or for a change
  /// of many objects (an import, an undo of one) counts by verb and kind, so that a line stays
  /// a line. Field paths name Deployments by `deploymentNames` (id → name) where known.
  public func summary(deploymentNames: [String: String]) -> String {
    if let delivery = changes.first(where: { $0.kind == "delivery" }) {
      let counts = delivery.fields.compactMap { field in
        field.after.flatMap { if case .integer(let count) = $0 { "\(count) \(field.name)" } else { nil } }
      }
      return "\(command) \(delivery.key)" + (counts.isEmpty ? "" : ": " + counts.joined(separator: ", "))
    }
    guard changes.count <= Self.objectsNamedInSummary else {
      var counts: [String: Int] = [:]
      var order: [String] = []
      for change in changes {
        let group = change.verb + " " + change.kind
        if counts[group] == nil { order.append(group) }
        counts[group, default: 0] += 1
      }
      return order.map { group in
        let count = counts[group]!
        let (verb, kind) = (group.prefix { $0 != " " }, group.drop { $0 != " " }.dropFirst())
        return "\(verb) \(count) \(kind)\(count == 1 ? "" : "s")"
      }.joined(separator: ", ")
    }
    let objects = changes.map { change in
      if change.kind == "keys", case .integer(let count)? = change.fields.first?.after {
        return "a new data key (\(count) file\(count == 1 ? "" : "s") sealed again)"
      }
      let fields =
        change.fields.isEmpty || change.before == nil || change.afterDigest == nil
        ? ""
        : " ("
          + change.fields.map { $0.path(deploymentNames: deploymentNames) }.joined(separator: ", ") + ")"
      return "\(change.verb) \(change.kind) \(change.key)\(fields)"
    }
    return objects.joined(separator: "; ")
  }

  /// Deployment names by id for summaries: the Workspace's `current` ones, and for Deployments
  /// deleted since, the name the entries recorded for them.
  public static func deploymentNames(in entries: [HistoryEntry], current: [String: String]) -> [String:
    String]
  {
    var names = current
    for change in entries.lazy.flatMap(\.changes) where change.kind == "deployment" && names[change.id] == nil
    {
      names[change.id] = change.key
    }
    return names
  }

  /// Past this many objects a summary counts instead of naming.
  public static let objectsNamedInSummary = 5
}

extension Repository {
  /// The saved change that deleted an object, newest first; nil when the history has none.
  public func deletion(of objectID: String, workspace name: String?) -> HistoryEntry? {
    guard let entries = try? history(workspace: name) else { return nil }
    return entries.last { entry in
      entry.changes.contains { $0.id == objectID && $0.before != nil && $0.afterDigest == nil }
    }
  }
}

public struct ObjectChange: Codable, Equatable, Sendable {
  /// connection, variable, deployment or workspace.
  public var kind: String
  public var id: String
  public var key: String
  /// Field changes of a changed object; empty for one created or deleted.
  public var fields: [FieldChange]
  /// The object as stored before the change (nil when it was created), for undo.
  public var before: JSONValue?
  /// A digest of the object as stored after the change, without its stamp (nil when it was
  /// deleted): undo checks that nobody changed it since without keeping a second copy.
  public var afterDigest: String?
  /// The object's revision after the change.
  public var revision: Int?
  /// The Workspace's header as stored after the change, for the header only: readers replay
  /// the member list from these (`TrustedMembers`), and the header is small.
  public var after: JSONValue?
  /// For the header only: the changes of it that the author's member list was replayed from
  /// (entry names), so that readers know what the author knew, whatever the entry's time says.
  public var parents: [String]?

  /// created, deleted or changed.
  public var verb: String { before == nil ? "created" : afterDigest == nil ? "deleted" : "changed" }
}

/// Bytes as lower-case hexadecimal (`String(format:)` per byte was a tenth of a large import).
public func hexadecimal(_ bytes: some Sequence<UInt8>) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  for byte in bytes {
    text.append(digits[Int(byte >> 4)])
    text.append(digits[Int(byte & 0x0F)])
  }
  return String(decoding: text, as: UTF8.self)
}

extension JSONValue {
  /// A stored file's JSON: what airenv writes is read by the fast reader, anything else (a
  /// fraction, an exponent) by the full parser; nil when it is not JSON.
  static func stored(_ bytes: [UInt8]) -> JSONValue? {
    StrictJSONReader.value(of: bytes) ?? (try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)))
  }
}

enum ContentDigest {
  /// Put in place of a digest of a state that held a value since purged from the history: that
  /// state cannot be checked against, so the change that left it cannot be undone.
  static let purged = "purged"

  /// The same for an object file's bytes.
  static func of(file bytes: [UInt8]) -> String? { of(JSONValue.stored(bytes)) }

  /// SHA-256 of the stored object without its stamp, as compact JSON.
  static func of(_ stored: JSONValue?) -> String? {
    guard case .object(var members)? = stored else { return nil }
    members["stamp"] = nil
    return hexadecimal(SHA256.hash(data: Data(JSONValue.object(members).compactText.utf8)))
  }
}

public struct FieldChange: Codable, Equatable, Sendable {
  public var name: String
  public var before: JSONValue?
  public var after: JSONValue?
  /// A secret field: its values are never recorded.
  public var secret: Bool

  /// The field's dotted path with Deployment ids replaced by names where known.
  public func path(deploymentNames: [String: String]) -> String {
    name.split(separator: ".", omittingEmptySubsequences: false)
      .map { deploymentNames[String($0)] ?? String($0) }.joined(separator: ".")
  }

  /// The fact of the change without its values, for a reader who may not see field values.
  public var withoutValues: FieldChange {
    FieldChange(name: name, before: nil, after: nil, secret: secret)
  }
}

enum HistoryDiff {
  /// The fields that differ between two stored objects, as dotted paths. A path is secret
  /// when its stored form is a ciphertext; then only the fact of the change is kept.
  /// The fields that differ between two plain (decrypted) objects, as dotted paths.
  static func fields(plainBefore: JSONValue?, plainAfter: JSONValue?) -> [FieldChange] {
    var before: [String: JSONValue] = [:]
    var after: [String: JSONValue] = [:]
    flatten(plainBefore, "", into: &before)
    flatten(plainAfter, "", into: &after)
    return Set(before.keys).union(after.keys).sorted().compactMap { path in
      guard before[path] != after[path], !path.hasPrefix("stamp"), path != "version" else { return nil }
      return FieldChange(name: path, before: before[path], after: after[path], secret: false)
    }
  }

  private static func flatten(_ value: JSONValue?, _ prefix: String, into result: inout [String: JSONValue]) {
    guard let value else { return }
    if case .object(let members) = value, !members.isEmpty {
      for (key, member) in members {
        flatten(member, prefix.isEmpty ? key : prefix + "." + key, into: &result)
      }
    } else {
      result[prefix] = value
    }
  }
}

/// Where an object's secret fields are in its stored JSON, so that the history records only
/// that they changed.
enum HistorySecrets {
  static func paths(_ connection: Connection?) -> Set<String> {
    guard let connection else { return [] }
    var paths = Set<String>()
    _ = SecretSealer.mapSecrets(connection) { value, path in
      paths.insert(dotted(path))
      return value
    }
    return paths
  }

  static func paths(_ variable: Variable?) -> Set<String> {
    guard let variable else { return [] }
    var paths = Set<String>()
    _ = SecretSealer.mapSecrets(variable) { value, path in
      paths.insert(dotted(path))
      return value
    }
    return paths
  }

  /// `links/<deployment>/password` is stored at `links.<deployment>.fields.password`, and a
  /// link's extra keys under `extraSet`.
  static func dotted(_ path: String) -> String {
    var parts = path.split(separator: "/").map { part in
      part.contains("~")
        ? part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        : String(part)
    }
    if parts.first == "links", parts.count >= 3 {
      if parts[2] == "password" { parts.insert("fields", at: 2) }
      if parts[2] == "extra" { parts[2] = "extraSet" }
    }
    return parts.joined(separator: ".")
  }
}
