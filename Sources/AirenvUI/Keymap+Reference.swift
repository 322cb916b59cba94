extension Keymap {
  /// The README's list of keys, made from the keymap itself (and the `:` verbs), so that the
  /// documentation cannot drift from what the keys do; a test compares the two.
  public static var reference: String {
    var text = ""
    for context in KeyContext.allCases {
      let rows = bindings.filter { $0.contexts.contains(context) }
      guard !rows.isEmpty else { continue }
      text += "\n**\(context.rawValue)**\n\n| keys | what they do |\n|---|---|\n"
      for binding in rows {
        let keys = binding.keys.map { "`\($0.label == "`" ? "` ` `" : $0.label)`" }.joined(separator: " ")
        text += "| \(keys) | \(binding.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
      }
      if editing.contains(context) { text += "| any other key | typed at the cursor |\n" }
    }
    text += "\n**Command line** (`:`)\n\n| command | what it does |\n|---|---|\n"
    for verb in CommandVerb.allCases {
      let aliases = verb.names.dropFirst().map { "`:\($0)`" }
      text +=
        "| `\(verb.usage)`\(aliases.isEmpty ? "" : " " + aliases.joined(separator: " ")) | \(verb.summary) |\n"
    }
    return text
  }
}
