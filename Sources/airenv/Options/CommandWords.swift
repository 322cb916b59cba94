import ArgumentParser

/// The command words of a command line, checked against the command tree before parsing: a
/// mistyped subcommand is named, with the nearest one (`conection` → `connection`), rather than
/// handed to the default command as "2 unexpected arguments"; `help` names only commands that
/// exist.
enum CommandWords {
  static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
    var words = arguments.prefix { !$0.hasPrefix("-") }
    var command = root
    var path = [root.configuration.commandName ?? ""]
    if words.first == "help" {
      words.removeFirst()
      for word in words {
        guard let next = subcommand(named: word, of: command) else {
          throw Failure.usage(unknown(word, in: command, path: path) + "; `airenv help` lists the commands")
        }
        command = next
        path.append(word)
      }
      return
    }
    for word in words {
      let subcommands = command.configuration.subcommands
      guard !subcommands.isEmpty else { return }
      // (No default subcommand here takes a positional argument, so a bare word is a command.)
      guard let next = subcommand(named: word, of: command) else {
        throw Failure.usage(unknown(word, in: command, path: path))
      }
      command = next
      path.append(word)
    }
  }

  private static func subcommand(named word: String, of command: any ParsableCommand.Type)
    -> (any ParsableCommand.Type)?
  {
    command.configuration.subcommands.first {
      name(of: $0) == word || $0.configuration.aliases.contains(word)
    }
  }

  private static func name(of command: any ParsableCommand.Type) -> String {
    command.configuration.commandName ?? String(describing: command).lowercased()
  }

  private static func unknown(_ word: String, in command: any ParsableCommand.Type, path: [String]) -> String
  {
    let names = command.configuration.subcommands.map(name(of:))
    let nearest = names.map { ($0, distance(word.lowercased(), $0)) }.filter {
      $0.1 <= max(2, word.count / 3)
    }
    .min { $0.1 < $1.1 }?.0
    let place = path.joined(separator: " ")
    return "`\(place)` has no command \"\(word)\""
      + (nearest.map { "; did you mean `\(place) \($0)`?" }
        ?? "; its commands are \(names.joined(separator: ", "))")
  }

  /// Levenshtein distance: insertions, deletions and substitutions of one character.
  static func distance(_ left: String, _ right: String) -> Int {
    let left = Array(left)
    let right = Array(right)
    var previous = Array(0...right.count)
    for (row, character) in left.enumerated() {
      var current = [row + 1]
      for (column, other) in right.enumerated() {
        current.append(
          min(previous[column + 1] + 1, current[column] + 1, previous[column] + (character == other ? 0 : 1)))
      }
      previous = current
    }
    return previous[right.count]
  }
}
