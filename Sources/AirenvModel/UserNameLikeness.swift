import Foundation

/// User names a person could take for one another. Any name a person can type is allowed, but a
/// member list that holds `alice` and `аlice` (a Cyrillic `а`) reads as one member twice: an Owner
/// approving it, or reading who holds which role, would not see the second. Two names are alike
/// when they are the same once case, width, accents, invisible characters and the Cyrillic and
/// Greek letters that look Latin (and the digits that look like letters) are set aside.
public enum UserNameLikeness {
  /// What `name` looks like: lowercase Latin letters and digits where it had look-alikes.
  public static func skeleton(_ name: String) -> String {
    var shape = String.UnicodeScalarView()
    // Capitals are matched as drawn, before they are lowered: a Greek Ν looks like an N, its
    // lowercase ν like a v; a capital I like an l, not the i it lowers to.
    let capitals = String(
      String.UnicodeScalarView(
        name.decomposedStringWithCompatibilityMapping.unicodeScalars.map { capitalLookalikes[$0] ?? $0 }))
    for scalar in capitals.lowercased().unicodeScalars {
      // What draws nothing (marks, format and default-ignorable characters such as the Hangul
      // fillers, blanks) is set aside.
      if scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.isWhitespace
        || blanks.contains(scalar)
      {
        continue
      }
      switch scalar.properties.generalCategory {
      case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control: continue
      default: shape.append(lookalikes[scalar] ?? scalar)
      }
    }
    // Pairs of letters drawn as one.
    return String(shape).replacingOccurrences(of: "rn", with: "m").replacingOccurrences(of: "vv", with: "w")
      .replacingOccurrences(of: "cl", with: "d")
  }

  /// Another of `names` that `name` could be taken for; nil when none is.
  public static func lookalike(of name: String, among names: some Sequence<String>) -> String? {
    let shape = skeleton(name)
    return names.filter { $0 != name && skeleton($0) == shape }.min()
  }

  /// Two names of `names` that could be taken for one another, the first in order; nil when none.
  public static func firstAlikePair(in names: some Sequence<String>) -> (String, String)? {
    var seen: [String: String] = [:]
    for name in names.sorted() {
      let shape = skeleton(name)
      if let other = seen[shape] { return (other, name) }
      seen[shape] = name
    }
    return nil
  }

  /// `name` as a reader must see it to tell it from a look-alike: itself when it is printable
  /// ASCII, else with each other character written as its code point (`\u{430}lice`).
  public static func spelled(_ name: String) -> String {
    if name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return name }
    var text = ""
    for scalar in name.unicodeScalars {
      if scalar.isASCII && scalar.value > 0x20 && scalar.value < 0x7F {
        text.unicodeScalars.append(scalar)
      } else {
        text += "\\u{" + String(scalar.value, radix: 16) + "}"
      }
    }
    return text
  }

  /// Capitals of other scripts drawn like a Latin capital, with the Latin letter (lowercase).
  private static let capitalLookalikes: [Unicode.Scalar: Unicode.Scalar] = {
    let pairs: [(String, String)] = [
      ("I", "l"),
      // Greek
      ("Α", "a"), ("Β", "b"), ("Ε", "e"), ("Ζ", "z"), ("Η", "h"), ("Ι", "l"), ("Κ", "k"), ("Μ", "m"),
      ("Ν", "n"), ("Ο", "o"), ("Ρ", "p"), ("Τ", "t"), ("Υ", "y"), ("Χ", "x"),
      // Cyrillic
      ("А", "a"), ("В", "b"), ("Е", "e"), ("К", "k"), ("М", "m"), ("Н", "h"), ("О", "o"), ("Р", "p"),
      ("С", "c"), ("Т", "t"), ("Х", "x"), ("Ѕ", "s"), ("І", "l"), ("Ј", "j"), ("Ү", "y"), ("Ԛ", "q"),
      ("Ԝ", "w"),
      // Armenian and Coptic
      ("Տ", "s"), ("Օ", "o"), ("Ⲟ", "o"), ("Ⲣ", "p"), ("Ⲥ", "c"), ("Ⲓ", "l"),
      // Cherokee (matched as capitals: they lower to letters of their own)
      ("Ꭺ", "a"), ("Ᏼ", "b"), ("Ꮯ", "c"), ("Ꭰ", "d"), ("Ꭼ", "e"), ("Ꮐ", "g"), ("Ꮋ", "h"), ("Ꭵ", "l"),
      ("Ꮶ", "k"), ("Ꮮ", "l"), ("Ꮇ", "m"), ("Ꮲ", "p"), ("Ꮢ", "r"), ("Ꮪ", "s"), ("Ꭲ", "t"), ("Ꮩ", "v"),
      ("Ꮃ", "w"), ("Ꮍ", "y"), ("Ꮓ", "z"), ("Ꭻ", "j"), ("Ꮎ", "o"), ("Ꮑ", "n"), ("Ꮟ", "b"),
      // Lisu
      ("ꓮ", "a"), ("ꓐ", "b"), ("ꓚ", "c"), ("ꓓ", "d"), ("ꓰ", "e"), ("ꓝ", "f"), ("ꓖ", "g"), ("ꓧ", "h"),
      ("ꓲ", "l"), ("ꓙ", "j"), ("ꓗ", "k"), ("ꓡ", "l"), ("ꓟ", "m"), ("ꓠ", "n"), ("ꓳ", "o"), ("ꓑ", "p"),
      ("ꓣ", "r"), ("ꓢ", "s"), ("ꓔ", "t"), ("ꓴ", "u"), ("ꓦ", "v"), ("ꓪ", "w"), ("ꓫ", "x"), ("ꓬ", "y"),
      ("ꓜ", "z"),
    ]
    var table: [Unicode.Scalar: Unicode.Scalar] = [:]
    for (from, to) in pairs {
      if let from = from.unicodeScalars.first, let to = to.unicodeScalars.first { table[from] = to }
    }
    return table
  }()

  /// Characters that draw as nothing though no property says so.
  private static let blanks: Set<Unicode.Scalar> = [
    "\u{2800}", "\u{115F}", "\u{1160}", "\u{3164}", "\u{FFA0}",
  ]

  /// Letters (lowercase, after decomposition) that are drawn like a Latin letter or a digit,
  /// with the one they pass for; i, l, 1 and their kin are one stroke.
  private static let lookalikes: [Unicode.Scalar: Unicode.Scalar] = {
    let pairs: [(String, String)] = [
      ("i", "l"), ("|", "l"), ("ǀ", "l"), ("ɩ", "l"), ("ɪ", "l"), ("ɑ", "a"), ("ɒ", "a"), ("ɛ", "e"),
      ("ɔ", "c"),
      ("ɢ", "g"), ("ʜ", "h"), ("ʟ", "l"), ("ɴ", "n"), ("ʀ", "r"), ("ʏ", "y"), ("ᴀ", "a"), ("ᴄ", "c"),
      ("ᴅ", "d"), ("ᴇ", "e"), ("ᴊ", "j"), ("ᴋ", "k"), ("ᴍ", "m"), ("ᴏ", "o"), ("ᴘ", "p"), ("ᴛ", "t"),
      ("ᴜ", "u"), ("ᴠ", "v"), ("ᴡ", "w"), ("ᴢ", "z"), ("ꜱ", "s"), ("ʙ", "b"),
      // Armenian, Coptic and Latin letters drawn alike
      ("օ", "o"), ("ս", "u"), ("հ", "h"), ("ո", "n"), ("ց", "g"), ("զ", "q"), ("ա", "w"), ("ⲟ", "o"),
      ("ⲣ", "p"), ("ⲥ", "c"), ("ĸ", "k"), ("ƅ", "b"), ("ѵ", "v"), ("ʋ", "v"), ("ɡ", "g"), ("ѡ", "w"),
      ("ҽ", "e"), ("ⲓ", "l"), ("ꙇ", "l"), ("ꞵ", "b"),
      // Dashes and minus signs drawn as a hyphen
      ("\u{2010}", "-"), ("\u{2011}", "-"), ("\u{2012}", "-"), ("\u{2013}", "-"), ("\u{2014}", "-"),
      ("\u{2212}", "-"), ("\u{FE63}", "-"), ("\u{FF0D}", "-"), ("\u{2043}", "-"),
      // Cyrillic
      ("а", "a"), ("б", "6"), ("в", "b"), ("г", "r"), ("д", "d"), ("е", "e"), ("ё", "e"), ("з", "3"),
      ("и", "u"), ("к", "k"), ("м", "m"), ("н", "h"), ("о", "o"), ("п", "n"), ("р", "p"), ("с", "c"),
      ("т", "t"), ("у", "y"), ("х", "x"), ("ь", "b"), ("ѕ", "s"), ("і", "l"), ("ї", "l"), ("ј", "j"),
      ("ԁ", "d"), ("һ", "h"), ("ԛ", "q"), ("ԝ", "w"), ("ӏ", "l"), ("ү", "y"), ("ɡ", "g"),
      // Greek
      ("α", "a"), ("β", "b"), ("γ", "y"), ("ε", "e"), ("η", "n"), ("ι", "l"), ("κ", "k"), ("ν", "v"),
      ("ο", "o"), ("ρ", "p"), ("τ", "t"), ("υ", "u"), ("χ", "x"), ("ω", "w"), ("ϲ", "c"), ("ϳ", "j"),
      // Latin letters and digits drawn alike
      ("0", "o"), ("1", "l"), ("ı", "l"), ("ł", "l"), ("ø", "o"),
    ]
    var table: [Unicode.Scalar: Unicode.Scalar] = [:]
    for (from, to) in pairs {
      if let from = from.unicodeScalars.first, let to = to.unicodeScalars.first { table[from] = to }
    }
    // What a look-alike capital lowers to, where nothing above says what it looks like (the
    // Cherokee small letters are drawn as their capitals).
    for (capital, latin) in capitalLookalikes {
      for small in String(capital).lowercased().unicodeScalars where small != capital && table[small] == nil {
        table[small] = latin
      }
    }
    return table
  }()
}
