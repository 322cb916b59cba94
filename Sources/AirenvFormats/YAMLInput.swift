import AirenvModel
// libyaml, which Yams is built on: its event stream is read before Yams composes a document.
import CYaml
import Foundation
import Yams

/// YAML read with Yams, keeping where each value stands so that errors can name a line.
enum YAMLInput {
  /// How many nodes aliases may add once expanded: anchors are for sharing a few settings, and
  /// a "billion laughs" document expands to gigabytes from a few lines.
  static let aliasNodes = 100_000
  /// How deep collections may nest; Yams composes recursively, so deeper would exhaust the stack.
  static let depth = 256

  /// A composed document and where it gives a scalar an explicit tag (`!!str 0x1F`): Yams
  /// resolves every tag, so only the parser's events tell an explicit one from an implicit one.
  struct Document {
    let root: Node?
    let explicitlyTagged: Set<Place>

    struct Place: Hashable {
      let line: Int
      let column: Int
    }

    struct ScalarProblem: Error {
      let line: Int?
      let reason: String
    }

    /// A YAML value as JSON, its scalars typed as PyYAML types them (Airflow reads YAML with it):
    /// quoted scalars are strings, plain ones are typed by YAML 1.1's rules, explicit tags win.
    func json(_ node: Node) throws(ScalarProblem) -> JSONValue {
      switch node {
      case .scalar(let scalar):
        do throws(PyYAMLScalar.Unrepresentable) {
          if let mark = scalar.mark, explicitlyTagged.contains(Place(line: mark.line, column: mark.column)) {
            return try PyYAMLScalar.tagged(scalar.string, tag: scalar.tag.description)
          }
          if scalar.style != .plain { return .string(scalar.string) }
          return try PyYAMLScalar.typed(scalar.string)
        } catch {
          throw ScalarProblem(line: scalar.mark?.line, reason: error.reason)
        }
      case .mapping(let mapping):
        var members: [String: JSONValue] = [:]
        for (key, value) in mapping { members[key.string ?? ""] = try json(value) }
        return .object(members)
      case .sequence(let sequence):
        var items: [JSONValue] = []
        for item in sequence { items.append(try json(item)) }
        return .array(items)
      case .alias:
        return .null
      }
    }
  }

  static func compose(_ text: String, file: String) throws(ImportProblems) -> Document {
    let explicitlyTagged = try checkBounds(text, file: file)
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ImportProblems(problems: [problem(error, file: file, text: text)])
    } catch {
      throw ImportProblems(problems: [ImportProblem(file: file, line: nil, reason: "not YAML: \(error)")])
    }
    return Document(root: root.map(resolvingMergeKeys), explicitlyTagged: explicitlyTagged)
  }

  /// Reads the document's events once, before anything is built: refuses, with the line, an
  /// alias that would expand the document past `aliasNodes` or a nesting deeper than `depth`.
  /// Returns where scalars carry an explicit tag.
  static func checkBounds(_ text: String, file: String) throws(ImportProblems) -> Set<Document.Place> {
    var bytes = Array(text.utf8)
    var problem: ImportProblem?
    var tagged = Set<Document.Place>()
    bytes.withUnsafeMutableBufferPointer { buffer in
      var parser = yaml_parser_t()
      guard yaml_parser_initialize(&parser) == 1 else { return }
      defer { yaml_parser_delete(&parser) }
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
      // Nodes per open collection (with its anchor), nodes per anchor, nodes added by aliases.
      var open: [(anchor: String?, nodes: Int)] = []
      var anchored: [String: Int] = [:]
      var expanded = 0
      func add(_ nodes: Int) {
        if !open.isEmpty {
          open[open.count - 1].nodes = min(open[open.count - 1].nodes + nodes, aliasNodes + 1)
        }
      }
      func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
      }
      while true {
        var event = yaml_event_t()
        // A syntax error is left to Yams, which explains it.
        guard yaml_parser_parse(&parser, &event) == 1 else { return }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT:
          return
        case YAML_SCALAR_EVENT:
          if let anchor = anchorName(event.data.scalar.anchor) { anchored[anchor] = 1 }
          if event.data.scalar.tag != nil {
            tagged.insert(Document.Place(line: line, column: Int(event.start_mark.column) + 1))
          }
          add(1)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
          let anchor =
            event.type == YAML_SEQUENCE_START_EVENT
            ? anchorName(event.data.sequence_start.anchor) : anchorName(event.data.mapping_start.anchor)
          open.append((anchor, 1))
          if open.count > depth {
            problem = ImportProblem(
              file: file, line: line, reason: "collections are nested more than \(depth) levels deep")
            return
          }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
          guard let closed = open.popLast() else { break }
          if let anchor = closed.anchor { anchored[anchor] = closed.nodes }
          add(closed.nodes)
        case YAML_ALIAS_EVENT:
          let nodes = anchorName(event.data.alias.anchor).flatMap { anchored[$0] } ?? 0
          expanded += nodes
          add(nodes)
          if expanded > aliasNodes {
            problem = ImportProblem(
              file: file, line: line,
              reason: "its aliases expand to more than \(aliasNodes) nodes (a document that multiplies "
                + "itself through anchors); write the values out")
            return
          }
        default:
          break
        }
      }
    }
    if let problem { throw ImportProblems(problems: [problem]) }
    return tagged
  }

  /// YAML's merge key, as PyYAML (and so Airflow) reads it: `<<: *base` copies the mapping's
  /// pairs, `<<: [*a, *b]` several (earlier ones first), and the mapping's own keys win.
  static func resolvingMergeKeys(_ node: Node) -> Node {
    switch node {
    case .mapping(let mapping):
      // Keys are tracked in sets: a mapping of 20,000 keys merged took quadratic time.
      var own: [(Node, Node)] = []
      var ownKeys = Set<Node>()
      var merged: [(Node, Node)] = []
      var mergedKeys = Set<Node>()
      for (key, value) in mapping {
        if isMergeKey(key) {
          let sources: [Node] =
            if case .sequence(let sequence) = value { Array(sequence) } else { [value] }
          for source in sources {
            guard case .mapping(let inner) = resolvingMergeKeys(source) else { continue }
            for pair in inner where mergedKeys.insert(pair.key).inserted {
              merged.append((pair.key, pair.value))
            }
          }
        } else {
          own.append((key, resolvingMergeKeys(value)))
          ownKeys.insert(key)
        }
      }
      let pairs = own + merged.filter { !ownKeys.contains($0.0) }
      return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark, mapping.anchor))
    case .sequence(let sequence):
      return .sequence(
        Node.Sequence(sequence.map(resolvingMergeKeys), sequence.tag, sequence.style, sequence.mark))
    default:
      return node
    }
  }

  static func isMergeKey(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node else { return false }
    return scalar.style == .plain && scalar.string == "<<"
  }

  /// Where and why Yams refused a document.
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

}
