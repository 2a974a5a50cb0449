# SPDX-License-Identifier: BSD-2-Clause
"""The shell (issue 4): grammar, variables, control flow, pipes, redirection,
background jobs, scripts, Ctrl-C, continuation lines and the built-ins."""
import re

from harness import check, check_in, check_match, test


def run(t, cases):
    """Boot once; each case is (command line, regex its output must match)."""
    m = t.boot("nsh")
    for line, want in cases:
        out = m.command(line)
        check_match(want, out, "output of %r" % line)
    return m


@test("grammar: quotes, escapes, comments, ; && || and $?")
def grammar_basics(t):
    m = run(t, [
        ("echo 'a  $x' \"b  c\" d\\ e # comment", r"^a  \$x b  c d e$"),
        ("false; echo $?", r"^1$"),
        ("true && echo and; false && echo no; false || echo or", r"^and\nor$"),
        ("nosuchcmd; echo $?", r"nosuchcmd: command not found\n127"),
        ("fi", r"syntax error near 'fi'"),
    ])
    m.sendline("echo 'open")
    m.expect(r"^> ")			# the quote continues on the next line
    check_match(r"^open\n$", m.command("'"), "quote across lines")


@test("variables: set/unset/export/NAME=value, $NAME ${NAME} $$, per-command expansion")
def variables(t):
    run(t, [
        ("set A one; echo $A ${A}x", r"^one onex$"),
        ("B=two; echo $B", r"^two$"),
        ("export C three; env", r"C=three"),
        ("unset A; echo [$A]", r"^\[\]$"),
        ("X=1; X=2; echo $X", r"^2$"),
        ("echo $$", r"^\d+$"),
        ("set 1bad x", r"Usage: set"),
    ])


@test("control flow: if/elif/else, while, until, for, break, multi-line with '> '")
def control_flow(t):
    m = run(t, [
        ("if false; then echo a; elif true; then echo b; else echo c; fi", r"^b$"),
        ("for i in x y z; do echo i=$i; done", r"^i=x\ni=y\ni=z$"),
        ("N=0; while [ $N -lt 3 ]; do echo n$N; N=$((0))1; break; done", r"^n0$"),
        ("until true; do echo never; done; echo after", r"^after$"),
        ("for i in 1 2 3; do if [ $i = 2 ]; then break; fi; echo $i; done", r"^1$"),
    ])
    m.sendline("if true")
    m.expect(r"^> ")
    m.sendline("then echo multi")
    m.expect(r"^> ")
    out = m.command("fi")
    check_match(r"^multi$", out, "multi-line if")


@test("test and [: string, integer and file tests")
def test_builtin(t):
    run(t, [
        ("[ a = a ] && echo y1; [ a != a ] || echo y2", r"^y1\ny2$"),
        ("test 3 -gt 2 && echo y3; [ -n x -a -z '' ] && echo y4", r"^y3\ny4$"),
        ("[ -d /dev ] && [ -e /dev/null ] && [ ! -f /nope ] && echo y5", r"^y5$"),
        ("[ 1 -eq ]; echo $?", r"2$"),
        ("[ a = a; echo $?", r"missing \]\n2"),
    ])


@test("redirection > >> < 2> and pipes between built-ins and applications")
def redirection_and_pipes(t):
    run(t, [
        ("echo one > /tmp/r; echo two >> /tmp/r; cat < /tmp/r", r"^one\ntwo$"),
        ("cat /nope 2> /tmp/err; cat /tmp/err", r"^cat: /nope: No such file or directory$"),
        ("echo piped | cat", r"^piped$"),
        ("cat /tmp/r | wc", r"^2 2 8$"),
        ("echo x > /nodir/f", r"nsh: /nodir/f: No such file or directory"),
    ])


@test("background jobs print their pid and set $!; a FIFO between a background writer and a reader")
def background_and_fifo(t):
    run(t, [
        ("sleep 0.2 & echo bg=$!", r"^\[(\d+)\]\nbg=\1$"),
        # The writer's open waits for the reader: the background task
        # opens its redirection itself, so the shell goes on to cat.
        ("mkfifo /tmp/ff; echo through-fifo > /tmp/ff & cat /tmp/ff",
         r"^\[\d+\]\nthrough-fifo$"),
        ("echo twice > /tmp/ff & cat < /tmp/ff | wc", r"^\[\d+\]\n1 1 6$"),
        # The other way round: a background reader, a foreground writer.
        ("cat /tmp/ff & echo reversed > /tmp/ff; sleep 0.2", r"reversed"),
        ("[ -p /tmp/ff ] && echo isfifo", r"^isfifo$"),
        # A background task whose redirection fails ends with status 127.
        ("echo x > /nodir/f & sleep 0.2; echo done", r"^\[\d+\]\ndone$"),
    ])


@test("a blocked FIFO open of a built-in's redirection ends with Ctrl-C")
def fifo_open_ctrl_c(t):
    m = t.boot("nsh")
    m.command("mkfifo /tmp/nf")
    m.sendline("echo lost > /tmp/nf")	# no reader: the open waits
    m.expect(r"echo lost > /tmp/nf\n")
    m.send("\x03")
    m.expect(r"^nsh> ", timeout=5)
    check_match(r"^130$", m.command("echo $?"), "status after Ctrl-C")


@test("Ctrl-C interrupts the foreground command (sleep 10) and sets $? to 130")
def ctrl_c(t):
    m = t.boot("nsh")
    m.sendline("sleep 10")
    m.expect(r"sleep 10\n")		# sent as soon as the line is echoed
    m.send("\x03")
    m.expect(r"^nsh> ", timeout=5)
    check_match(r"^130$", m.command("echo $?"), "status after Ctrl-C")
    m.send("\x04")			# Ctrl-D on an empty line: harmless
    check_match(r"^alive$", m.command("echo alive"), "after Ctrl-D")


@test("Ctrl-C typed ahead with the line reaches the command; it ends loops and the line")
def ctrl_c_typeahead(t):
    m = t.boot("nsh")
    for line in ("sleep 10", "sleep 10 | cat", "while true; do sleep 10; done",
                 "sleep 10; echo not-reached"):
        start = m.pos
        m.send(line + "\r\x03")		# one write: Ctrl-C right behind Enter
        m.expect(r"^nsh> ", timeout=5)
        check(not re.search(r"^not-reached$", m.output_since(start), re.M),
              "the rest of the line ran after Ctrl-C")
    check_match(r"^130$", m.command("echo $?"), "status after Ctrl-C")
    check_match(r"^alive$", m.command("echo alive"), "after the interrupts")


@test("tab completes command names and paths and lists an ambiguous prefix")
def tab_completion(t):
    m = t.boot("nsh")
    m.send("ec\t")
    m.expect(r"echo $")
    check_match(r"^tabbed$", m.command("tabbed"), "completed command")
    m.send("ls /pr\t")
    m.expect(r"ls /proc/$")
    check_match(r"^ meminfo$", m.command(""), "completed path")
    m.send("d\t")			# date dd df dirname dmesg: listed
    m.expect(r"\ndate\s+dd\s+df\s+dirname\s+dmesg\s+.*\nnsh> d$")
    m.send("irn\t")			# now unique: dirname
    m.expect(r"irname $")
    check_match(r"^/a$", m.command("/a/b"), "completed after the list")


@test("a script with arguments and loops, written with echo and run with sh / source")
def scripts(t):
    run(t, [
        ("echo 'echo args=$# first=$1' > /tmp/s.sh", r"^$"),
        ("echo 'for a in $@; do echo arg $a; done' >> /tmp/s.sh", r"^$"),
        ("echo 'exit 3' >> /tmp/s.sh; echo 'echo notreached' >> /tmp/s.sh", r"^$"),
        ("sh /tmp/s.sh x y", r"^args=2 first=x\narg x\narg y$"),
        ("echo $?", r"^3$"),
        ("echo 'V=fromsrc' > /tmp/v.sh; . /tmp/v.sh; echo $V", r"^fromsrc$"),
        ("sh /tmp/none", r"sh: /tmp/none: No such file or directory"),
        # exit N inside a loop or an if ends the script with status N.
        ("echo 'for i in 1 2; do exit 5; done; echo no' > /tmp/e.sh; sh /tmp/e.sh; echo $?",
         r"^5$"),
        ("echo 'while true; do if true; then exit 6; fi; done' > /tmp/w.sh; sh /tmp/w.sh; echo $?",
         r"^6$"),
        ("exit 4; echo $?", r"keeps running.*\n4$"),
    ])


@test("help lists every command with a description; usage on wrong arguments")
def help_and_usage(t):
    m = t.boot("nsh")
    out = m.command("help")
    for c in ("ls", "cat", "echo", "printf", "mkdir", "mount", "df", "dd",
              "test", "sh", "time", "kill", "sleep", "set", "export"):
        check_match(r"^  %s\s+\S" % c, out, "help")
    check_in("Usage: cp SOURCE DEST", m.command("cp"), "cp usage")
    check_match(r"^2$", m.command("echo $?"), "usage status")


@test("text commands: printf, wc, basename, dirname, time, uname")
def text_commands(t):
    run(t, [
        ("printf '%s=%d\\n' x 42", r"^x=42$"),
        ("basename /a/b/c.txt .txt; dirname /a/b/c.txt", r"^c\n/a/b$"),
        ("time sleep 0.1", r"^0\.\d{3} sec$"),
        ("uname", r"^Vireo$"),
    ])


@test("a line longer than the line buffer is cut, not overflowed")
def long_line(t):
    m = t.boot("nsh")
    m.sendline("echo " + "x" * 400)
    m.expect(r"^nsh> ")
    check_match(r"^ok$", m.command("echo ok"), "after a long line")


@test("date shows and sets the real-time clock (-s), rejects a bad date")
def date_command(t):
    run(t, [
        ("date", r"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}$"),
        ('date -s "2030-01-02 03:04:05"', r"^Wed Jan  2 03:04:0\d UTC 2030$"),
        ("date", r"UTC 2030$"),
        ("date -s bogus; echo $?", r"invalid date 'bogus'.*\n1$"),
        ("date -x", r"Usage: date"),
    ])


@test("irqinfo lists the timer and UART interrupts with counts")
def irqinfo_command(t):
    run(t, [
        ("irqinfo", r"INTID\s+COUNT\s+NAME\n\s+1\s+\d+\s+gicv[23] resched\n\s+2\s+\d+\s+gicv[23] pause\n"
                    r"\s+27\s+\d+\s+gicv[23] arch_timer\n\s+33\s+\d+\s+gicv[23] ttyS0"),
        ("irqinfo x", r"Usage: irqinfo"),
    ])


@test("hexdump, xd and cmp: bytes as hex and ASCII, first difference, errors")
def data_commands(t):
    run(t, [
        ("echo hello > /tmp/a; echo hellp > /tmp/b", r"^$"),
        ("hexdump /tmp/a", r"^00000000: 68 65 6c 6c 6f 0a\s+\|hello\.\|$"),
        ("hexdump /tmp/none; echo $?", r"hexdump: /tmp/none: No such file or directory\n1$"),
        ("xd 0x40000000 16", r"^40000000: d0 0d fe ed"),	# the device tree's magic
        ("xd 0x40000000", r"Usage: xd"),
        ("cmp /tmp/a /tmp/a; echo $?", r"^0$"),
        ("cmp /tmp/a /tmp/b; echo $?", r"^/tmp/a /tmp/b differ: byte 5\n1$"),
        ("cmp /tmp/a /tmp/none; echo $?", r"cmp: /tmp/none: No such file or directory\n2$"),
    ])
