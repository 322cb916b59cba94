"""Renders a tmux `capture-pane -e -p` dump (text with SGR colour codes) to a PNG.

Usage: ansi_to_png.py INPUT.ansi OUTPUT.png COLUMNS ROWS
Colours follow the xterm palette; the font is DejaVu Sans Mono (Debian's fonts-dejavu-core).
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
BASIC = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205),
    (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234),
    (214, 112, 214), (41, 184, 219), (255, 255, 255),
]
FOREGROUND, BACKGROUND = (220, 220, 220), (24, 24, 28)


def xterm(index):
    if index < 16:
        return BASIC[index]
    if index >= 232:
        level = 8 + (index - 232) * 10
        return (level, level, level)
    cube = index - 16
    levels = [0, 95, 135, 175, 215, 255]
    return (levels[cube // 36], levels[(cube // 6) % 6], levels[cube % 6])


def width(character):
    return 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1


def main():
    source, target, columns, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    font, bold = ImageFont.truetype(FONT, 15), ImageFont.truetype(BOLD, 15)
    cell_width = int(font.getlength("M"))
    cell_height = 19
    image = Image.new("RGB", (columns * cell_width + 16, rows * cell_height + 16), BACKGROUND)
    draw = ImageDraw.Draw(image)
    text = open(source, encoding="utf-8").read()
    for row, line in enumerate(text.split("\n")[:rows]):
        fg, bg, is_bold, reverse = None, None, False, False
        column = 0
        for part in re.split(r"(\x1b\[[0-9;]*m)", line):
            if part.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in part[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    code = codes[i]
                    if code == 0:
                        fg, bg, is_bold, reverse = None, None, False, False
                    elif code == 1:
                        is_bold = True
                    elif code == 7:
                        reverse = True
                    elif code == 22:
                        is_bold = False
                    elif code == 27:
                        reverse = False
                    elif 30 <= code <= 37:
                        fg = BASIC[code - 30]
                    elif 90 <= code <= 97:
                        fg = BASIC[code - 90 + 8]
                    elif 40 <= code <= 47:
                        bg = BASIC[code - 40]
                    elif 100 <= code <= 107:
                        bg = BASIC[code - 100 + 8]
                    elif code == 39:
                        fg = None
                    elif code == 49:
                        bg = None
                    elif code in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        if code == 38:
                            fg = xterm(codes[i + 2])
                        else:
                            bg = xterm(codes[i + 2])
                        i += 2
                    i += 1
                continue
            for character in part:
                front, back = fg or FOREGROUND, bg or BACKGROUND
                if reverse:
                    front, back = back, front
                cells = width(character)
                x, y = 8 + column * cell_width, 8 + row * cell_height
                draw.rectangle([x, y, x + cells * cell_width - 1, y + cell_height - 1], fill=back)
                draw.text((x, y + 1), character, font=bold if is_bold else font, fill=front)
                column += cells
    image.save(target)


if __name__ == "__main__":
    main()
