import AirenvModel
import Yams

/// YAML in which every string is double-quoted: YAML 1.1 readers (PyYAML, which Airflow
/// uses) would otherwise turn `yes`, `0123`, `None` or dates into other types.
enum QuotedYAML {
  static func node(_ value: JSONValue) -> Node {
    switch value {
    case .null: return Node("null", Tag(.null), .plain)
    case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool), .plain)
    case .integer(let number): return Node(String(number), Tag(.int), .plain)
    case .double(let number): return Node(number.description, Tag(.float), .plain)
    case .string(let text): return Node(text, Tag(.str), .doubleQuoted)
    case .array(let items): return Node(items.map(node), Tag(.seq), .block)
    case .object(let members):
      let pairs = members.keys.sorted().map { (Node($0, Tag(.str), .doubleQuoted), node(members[$0]!)) }
      return Node(pairs, Tag(.map), .block)
    }
  }

  /// A mapping whose keys keep the given order (for documents like a Kubernetes manifest).
  static func ordered(_ pairs: [(String, Node)]) -> Node {
    Node(pairs.map { (Node($0.0, Tag(.str), .plain), $0.1) }, Tag(.map), .block)
  }

  static func text(_ root: Node) -> String {
    // Serialising a tree of well-formed nodes does not fail.
    (try? Yams.serialize(node: root, width: -1, allowUnicode: true)) ?? ""
  }
}
