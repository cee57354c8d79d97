# test / [ (strings, integers, files, -a/-o/!, parentheses) as the builtin and as the
# applet, and printf formats (builtin and applet: `env printf` bypasses the builtin).
t() { if "$@"; then echo "T: $*"; else echo "F($?): $*"; fi; }
echo "== strings"
t [ abc = abc ]; t [ abc != abc ]; t [ -z "" ]; t [ -n "" ]; t [ -z x ]; t [ x ]; t [ "" ]
t [ abc \< abd ]; t [ b \> a ]; t test = = =; t [ -n = ]; t [ ! -z x ]
echo "== integers"
t [ 10 -eq 10 ]; t [ 10 -ne 10 ]; t [ -5 -lt 3 ]; t [ 3 -gt -5 ]; t [ 7 -le 7 ]; t [ 8 -ge 9 ]
t [ 007 -eq 7 ]; t [ " 12" -eq 12 ]
[ abc -eq 1 ] 2>/dev/null; echo "non-number -> $?"
[ 1 -eq ] 2>/dev/null; echo "missing operand -> $?"
echo "== files"
mkdir d; echo data > f; : > empty; ln -s f lnk; ln -s nothing broken; chmod 754 f
t [ -e f ]; t [ -f f ]; t [ -d d ]; t [ -d f ]; t [ -s f ]; t [ -s empty ]; t [ -r f ]
t [ -x f ]; t [ -x empty ]; t [ -L lnk ]; t [ -h lnk ]; t [ -f lnk ]; t [ -e broken ]
t [ -L broken ]; t [ -e nonexistent ]; t [ -w f ]; t [ -p f ]; t [ -b f ]; t [ -c /dev/null ]
t [ -t 0 ]; t [ f -ef lnk ]; t [ f -ef empty ]
echo "== combinations"
t [ -f f -a -d d ]; t [ -f f -a -d f ]; t [ -f d -o -d d ]; t [ ! -f d ]
t [ \( -f f -o -f d \) -a ! -L f ]; t test 1 -eq 1 -a 2 -eq 3 -o 4 -eq 4
echo "== the applets"
t env test 3 -gt 2; t env [ x = y ]; t env [ -d d ]
echo "== printf"
printf '%s|%5s|%-5s|%.2s\n' abc abc abc abc
printf '%d %i %5d %-5d| %05d %+d %x %X %o %#x %#o\n' 42 -42 42 42 42 42 255 255 8 255 8
printf '%c%c%c\n' hello world x
printf '%b\n' 'tab\there' 'nl\\n' 'oct\0101'
printf 'esc: \\ \101 \x41 %%\n'
printf '%s\n' one two three
printf '%s=%s\n' a 1 b 2 c
printf '%d\n' 0x10 010 "'A" -0
printf '%e %f %g %.3f %10.4f|\n' 1234.5 1234.5 0.0001234 2.71828 3.14159
printf '%s\n' "$(printf 'nested %d' 7)"
printf 'no newline'; printf '\n'
printf '%d\n' abc 2>/dev/null; echo "printf bad number -> $?"
echo "== printf applet"
env printf '%s:%d:%x:%5.1f\n' applet 12 255 2.25
env printf '%b|%c\n' 'a\tb' zz
