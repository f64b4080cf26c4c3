#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Build a man page: an scdoc source whose @OPTIONS@ line is replaced by the options that
the program's own --help prints, then scdoc. The --help text is the one list of options
(it is generated from the option table in lib/config.c), so the page cannot drift from it.

    gen-man.py SOURCE.scd PROGRAM OUTPUT
"""
import re
import subprocess
import sys


def scdoc_escape(text):
    # scdoc formats *bold* and _underline_; a backslash makes them literal.
    return re.sub(r'([*_\\])', r'\\\1', text)


def options(help_text):
    """--help lines '  -x, --long ARG   text' (continuations indented deeper) as
    (term, description) pairs, in order."""
    out = []
    for line in help_text.splitlines():
        m = re.match(r'^ {2,8}(-[^ ].*?)(?: {2,}(\S.*))?$', line)
        if m:
            out.append([m.group(1), m.group(2) or ''])
        elif out and re.match(r'^ {9,}\S', line):
            out[-1][1] = (out[-1][1] + ' ' + line.strip()).strip()
        elif line.strip() == '' or not line.startswith(' '):
            if out and out[-1] is not None:
                out.append(None)	# a blank line or a heading ends a group
    return [o for o in out if o is not None]


def term(t):
    # "-f, --file-prefix P" -> "*-f*, *--file-prefix* _P_"
    parts = []
    for word in re.split(r'(, | )', t):
        if word in (', ', ' '):
            parts.append(word)
        elif word.startswith('-'):
            name, eq, arg = word.partition('=')
            parts.append('*' + scdoc_escape(name) + '*' +
                         (eq + '_' + scdoc_escape(arg) + '_' if eq else ''))
        elif word:
            parts.append('_' + scdoc_escape(word) + '_')
    return ''.join(parts)


def describe(t, d):
    # vbridge's "[section] text": the key of the configuration file, said after the text
    # (a line that starts with '[' would be an scdoc table).
    m = re.match(r'^\[(\w+)\] (.*)$', d)
    if not m:
        return scdoc_escape(d)
    key = t.split()[0].lstrip('-').replace('-', '_')
    return (scdoc_escape(m.group(2)) + '. In the file: *' + scdoc_escape(key) +
            '* in section *' + m.group(1) + '*.')


def main():
    src, prog, out = sys.argv[1:4]
    help_text = subprocess.run([prog, '--help'], check=True, capture_output=True,
                               text=True).stdout
    opts = options(help_text)
    if not opts:
        sys.exit('gen-man.py: no options found in the --help of ' + prog)
    block = '\n'.join(term(t) + '\n\t' + describe(t, d) + '\n' for t, d in opts)
    with open(src, encoding='utf-8') as f:
        text = f.read()
    if '@OPTIONS@' not in text:
        sys.exit('gen-man.py: ' + src + ' has no @OPTIONS@ line')
    text = text.replace('@OPTIONS@', block.rstrip('\n'))
    man = subprocess.run(['scdoc'], input=text, capture_output=True, text=True)
    if man.returncode != 0:
        sys.exit('gen-man.py: scdoc on ' + src + ': ' + man.stderr.strip())
    man = man.stdout
    with open(out, 'w', encoding='utf-8') as f:
        f.write(man)


if __name__ == '__main__':
    main()
