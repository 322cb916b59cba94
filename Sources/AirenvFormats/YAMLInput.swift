import AirenvModel
import Foundation
import Yams

/// YAML read with Yams, keeping where each value stands so that errors can name a line.
enum YAMLInput {
  static func compose(_ text: String, file: String) throws(ImportProblems) -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ImportProblems(problems: [problem(error, file: file, text: text)])
    } catch {
      throw ImportProblems(problems: [ImportProblem(file: file, line: nil, reason: "not YAML: \(error)")])
    }
  }

  static func problem(_ error: YamlError, file: String, text: String) -> ImportProblem {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return ImportProblem(file: file, line: mark.line, reason: "not valid YAML: \(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ImportProblem(
        file: file, line: secondOccurrence(of: duplicates.first ?? "", in: text, after: context.mark.line),
        reason:
          "the key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) appears twice in one mapping")
    default:
      return ImportProblem(file: file, line: nil, reason: "not valid YAML: \(error)")
    }
  }

  static func line(_ node: Node) -> Int? { node.mark?.line }

  /// Yams names the mapping; the user wants the line where the key appears again.
  static func secondOccurrence(of key: String, in text: String, after start: Int) -> Int {
    let lines = text.components(separatedBy: "\n")
    var seen = 0
    for index in max(0, start - 1)..<lines.count {
      let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
      let bare = trimmed.hasPrefix("- ") ? String(trimmed.dropFirst(2)) : trimmed
      if bare.hasPrefix(key + ":") || bare.hasPrefix("\"\(key)\":") || bare.hasPrefix("'\(key)':") {
        seen += 1
        if seen == 2 { return index + 1 }
      }
    }
    return start
  }

  /// A scalar as written, or nil for YAML's null (`~`, `null`, nothing).
  static func text(_ node: Node) -> String? {
    guard case .scalar(let scalar) = node else { return nil }
    if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
    return scalar.string
  }

  /// A YAML value as JSON: quoted scalars are strings, plain ones are typed as YAML types them.
  static func json(_ node: Node) -> JSONValue {
    switch node {
    case .scalar(let scalar):
      if scalar.style != .plain { return .string(scalar.string) }
      if text(node) == nil { return .null }
      if let flag = node.bool { return .bool(flag) }
      if let number = node.int { return .integer(Int64(number)) }
      if let number = node.float { return .double(number) }
      return .string(scalar.string)
    case .mapping(let mapping):
      var members: [String: JSONValue] = [:]
      for (key, value) in mapping { members[key.string ?? ""] = json(value) }
      return .object(members)
    case .sequence(let sequence):
      return .array(sequence.map(json))
    case .alias:
      return .null
    }
  }
}
